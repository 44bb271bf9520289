using System.Diagnostics;
using System.Text;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Tests.Webhooks;

public sealed class StripeSignatureVerifierTests
{
    private const string Secret = "whsec_test_secret_one";
    private const string RotatedSecret = "whsec_test_secret_two";
    private static readonly string Payload = ("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\",\"note\":\"caf\u00e9 \u2603\"}");
    private readonly ManualClock _clock = new();

    private StripeSignatureVerifier Verifier(params string[] secrets) => new(secrets.Length == 0 ? [Secret] : secrets, TimeSpan.FromSeconds(300), _clock);

    private long Now => _clock.GetUtcNow().ToUnixTimeSeconds();

    [Fact]
    public void AHeaderSignedByStripeNodeVerifies()
    {
        var header = SignWithStripeNode(Encoding.UTF8.GetBytes(Payload), Secret, Now);

        Assert.Null(Verifier().Verify(header, Payload));
    }

    [Fact]
    public void AHeaderSignedByStripeNodeWithAnotherSecretIsRejected()
    {
        var header = SignWithStripeNode(Encoding.UTF8.GetBytes(Payload), "whsec_someone_else", Now);

        Assert.Equal("no signature matches", Verifier().Verify(header, Payload));
    }

    [Fact]
    public void ATamperedBodyIsRejected()
    {
        var header = StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), Secret, Now);
        var tampered = Payload[..^2] + (char)(Payload[^2] ^ 1) + Payload[^1];

        Assert.Equal("no signature matches", Verifier().Verify(header, tampered));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void ATimestampOutsideTheToleranceIsRejectedBothWays(int offsetSeconds)
    {
        var header = StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), Secret, Now + offsetSeconds);

        Assert.Equal("timestamp outside the tolerance", Verifier().Verify(header, Payload));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void ATimestampAtTheEdgeOfTheToleranceIsAccepted(int offsetSeconds)
    {
        Assert.Null(Verifier().Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), Secret, Now + offsetSeconds), Payload));
    }

    [Theory]
    [InlineData(null, "missing Stripe-Signature header")]
    [InlineData("", "missing Stripe-Signature header")]
    [InlineData("garbage", "malformed Stripe-Signature header")]
    [InlineData("t=abc,v1=00", "malformed Stripe-Signature header")]
    [InlineData("v1=3b843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b", "malformed Stripe-Signature header")]
    [InlineData("t=1,t=2,v1=3b843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b", "malformed Stripe-Signature header")]
    [InlineData("t=1700000000", "no v1 signature in Stripe-Signature header")]
    [InlineData("t=1700000000,v0=3b843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b", "no v1 signature in Stripe-Signature header")]
    [InlineData("t=1700000000,v1=zz843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b", "malformed Stripe-Signature header")]
    public void MissingOrMalformedHeadersAreRejectedWithAReason(string? header, string reason)
    {
        Assert.Equal(reason, Verifier().Verify(header, Payload));
    }

    [Theory]
    [InlineData("t=999999999999999999,v1=3b843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b")]
    [InlineData("t=0,v1=3b843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b")]
    public void TimestampsFarOutsideTheCalendarAreRejectedNotThrown(string header)
    {
        Assert.Equal("timestamp outside the tolerance", Verifier().Verify(header, Payload));
    }

    [Fact]
    public void AWebhookAfter2038StillVerifiesThoughEventUtilityReadsTheTimestampAsInt32()
    {
        var after2038 = new ManualClock(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var now = after2038.GetUtcNow().ToUnixTimeSeconds();
        var verifier = new StripeSignatureVerifier([Secret], TimeSpan.FromSeconds(300), after2038);

        Assert.Null(verifier.Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), Secret, now), Payload));
        Assert.Equal("no signature matches", verifier.Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), "whsec_someone_else", now), Payload));
        Assert.Equal("timestamp outside the tolerance", verifier.Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), Secret, now - 301), Payload));
    }

    [Fact]
    public void DuringRotationAnyConfiguredSecretVerifies()
    {
        var header = StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), RotatedSecret, Now);

        Assert.Null(Verifier(Secret, RotatedSecret).Verify(header, Payload));
    }

    /// The two slots infra/main.bicep deploys (current, previous): while a roll is under way the app verifies what
    /// either secret signed, whichever slot holds the new one; after the roll, the old secret no longer verifies.
    [Fact]
    public void DuringARollTheCurrentAndThePreviousSlotEachVerifyWhatTheirSecretSigned()
    {
        var rolling = Verifier(RotatedSecret, Secret);
        var afterTheRoll = Verifier(RotatedSecret, RotatedSecret);

        Assert.Null(rolling.Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), Secret, Now), Payload));
        Assert.Null(rolling.Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), RotatedSecret, Now), Payload));
        Assert.Null(afterTheRoll.Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), RotatedSecret, Now), Payload));
        Assert.Equal("no signature matches", afterTheRoll.Verify(StripeSigner.Header(Encoding.UTF8.GetBytes(Payload), Secret, Now), Payload));
    }

    /// While an endpoint's secret is rolled with an expiry, Stripe signs each event with both secrets (one v1 each):
    /// an instance that has not yet refreshed its Key Vault references, holding only the old secret, still verifies.
    [Fact]
    public void AnEventStripeSignsWithBothSecretsDuringARollVerifiesWithEitherAlone()
    {
        var body = Encoding.UTF8.GetBytes(Payload);
        var header = $"t={Now},v1={StripeSigner.Signature(body, RotatedSecret, Now)},v1={StripeSigner.Signature(body, Secret, Now)}";

        Assert.Null(Verifier(Secret).Verify(header, Payload));
        Assert.Null(Verifier(RotatedSecret).Verify(header, Payload));
        Assert.Equal("no signature matches", Verifier("whsec_someone_else").Verify(header, Payload));
    }

    [Fact]
    public void AnyOfSeveralV1SignaturesMayMatch()
    {
        var good = StripeSigner.Signature(Encoding.UTF8.GetBytes(Payload), Secret, Now);
        var header = $"t={Now},v1={new string('0', 64)},v1={good},v0={good}";

        Assert.Null(Verifier().Verify(header, Payload));
    }

    /// stripe-node (an independent implementation, installed by npm ci) signs the payload as Stripe does.
    private static string SignWithStripeNode(byte[] body, string secret, long timestamp)
    {
        var payloadFile = Path.GetTempFileName();
        File.WriteAllBytes(payloadFile, body);
        try
        {
            var script = "const s=require('stripe')('sk_test_unused');const fs=require('fs');" +
                "process.stdout.write(s.webhooks.generateTestHeaderString({payload:fs.readFileSync(process.argv[1],'utf8'),secret:process.argv[2],timestamp:Number(process.argv[3])}));";
            var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-e", script, payloadFile, secret, timestamp.ToString() })
            {
                start.ArgumentList.Add(arg);
            }

            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEnd();
            var error = node.StandardError.ReadToEnd();
            node.WaitForExit();
            Assert.True(node.ExitCode == 0, $"stripe-node failed: {error}");
            return output;
        }
        finally
        {
            File.Delete(payloadFile);
        }
    }
}
