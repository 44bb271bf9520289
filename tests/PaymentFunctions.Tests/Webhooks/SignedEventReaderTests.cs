using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Tests.Webhooks;

/// The webhook's read/verify/version/parse/shape steps without HTTP or a host.
public sealed class SignedEventReaderTests
{
    private const string Secret = "whsec_reader_tests";
    private readonly ManualClock _clock = new();

    private SignedEventReader Reader(bool liveMode = false) => new(
        new StripeSignatureVerifier([Secret], TimeSpan.FromSeconds(300), _clock),
        Options.Create(new StripeOptions { LiveMode = liveMode }),
        NullLogger<SignedEventReader>.Instance);

    private string Sign(byte[] body) => StripeSigner.Header(body, Secret, _clock.GetUtcNow().ToUnixTimeSeconds());

    private static byte[] Bytes(JsonObject stripeEvent) => Encoding.UTF8.GetBytes(stripeEvent.ToJsonString());

    private static JsonObject Succeeded() => StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_reader1", "bk_00000000000000000000000001");

    [Fact]
    public void ASignedEventOfThisApiVersionIsReadAsItsTypedEvent()
    {
        var stripeEvent = Succeeded();
        var body = Bytes(stripeEvent);

        Assert.True(Reader().TryRead(body, Sign(body), out var read, out _));
        Assert.Equal(stripeEvent["id"]!.GetValue<string>(), read.Id);
        Assert.Equal("pi_reader1", Assert.IsType<Stripe.PaymentIntent>(read.Data.Object).Id);
    }

    [Fact]
    public void ABodyWithoutAValidSignatureIsRejectedBeforeItIsParsed()
    {
        var body = Encoding.UTF8.GetBytes("{ not json at all");

        Assert.False(Reader().TryRead(body, "t=1,v1=00", out _, out var refusal));
        Assert.Equal(WebhookReceiptKind.Rejected, refusal.Kind);
        Assert.Equal("Invalid Stripe signature", refusal.Title);
    }

    [Fact]
    public void ASignedEventOfAnotherApiVersionIsRefusedAsUnsupported()
    {
        var stripeEvent = Succeeded();
        stripeEvent["api_version"] = "2024-06-20";
        var body = Bytes(stripeEvent);

        Assert.False(Reader().TryRead(body, Sign(body), out _, out var refusal));
        Assert.Equal(WebhookReceiptKind.UnsupportedVersion, refusal.Kind);
        Assert.Contains("2024-06-20", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ASignedTestModeEventIsRejectedByALiveModeEndpoint()
    {
        var body = Bytes(Succeeded());

        Assert.False(Reader(liveMode: true).TryRead(body, Sign(body), out _, out var refusal));
        Assert.Equal(WebhookReceiptKind.Rejected, refusal.Kind);
        Assert.Equal("Wrong mode", refusal.Title);
    }

    [Fact]
    public void ASignedBodyThatIsNotAStripeEventIsRejectedAsMalformed()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"not-an-event","api_version":"x"}""");

        Assert.False(Reader().TryRead(body, Sign(body), out _, out var refusal));
        Assert.Equal(WebhookReceiptKind.Rejected, refusal.Kind);
        Assert.Equal("Malformed Stripe event", refusal.Title);
    }

    [Fact]
    public void AnExpandableFieldGivenAsAnObjectWithoutAnIdIsRejectedAsMalformed()
    {
        // Stripe.net's expandable-field converter throws KeyNotFoundException for it (found by the webhook fuzz).
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.canceled", "pi_reader2", "bk_00000000000000000000000002");
        stripeEvent["data"]!["object"]!["source"] = new JsonObject();
        var body = Bytes(stripeEvent);

        Assert.False(Reader().TryRead(body, Sign(body), out _, out var refusal));
        Assert.Equal(WebhookReceiptKind.Rejected, refusal.Kind);
        Assert.Equal("Malformed Stripe event", refusal.Title);
        Assert.Contains(nameof(KeyNotFoundException), refusal.Detail, StringComparison.Ordinal);
    }
}
