using System.Security.Cryptography;
using System.Text;
using PaymentFunctions.Clients.ServiceBus;

namespace PaymentFunctions.Tests.Clients.ServiceBus;

public sealed class ServiceBusSasCredentialTests
{
    private const string Resource = "https://contoso.servicebus.windows.net/payments";
    private const string KeyName = "RootManageSharedAccessKey";
    private const string Key = "rd1sFC/Q1mySrpa8ygiJpyhd3wO5Q7yN5V0FycR0diU=";
    private const long Expiry = 1_700_003_600;

    [Fact]
    public void StringToSign_IsTheUrlEncodedResourceANewlineAndTheExpiry()
    {
        // Written out by hand from the documented formula rather than computed with the same helper.
        Assert.Equal("https%3A%2F%2Fcontoso.servicebus.windows.net%2Fpayments\n1700003600", ServiceBusSasCredential.StringToSign(Resource, Expiry));
    }

    [Fact]
    public void CreateToken_MatchesTheDocumentedFormulaComputedIndependently()
    {
        var encodedResource = Uri.EscapeDataString(Resource);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Key));
        var signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(encodedResource + "\n" + Expiry)));
        var expected = $"SharedAccessSignature sr={encodedResource}&sig={Uri.EscapeDataString(signature)}&se={Expiry}&skn={KeyName}";

        var token = ServiceBusSasCredential.CreateToken(Resource, KeyName, Encoding.UTF8.GetBytes(Key), Expiry);

        Assert.Equal(expected, token);
    }

    [Fact]
    public void GetAuthorizationValue_ReusesTheTokenUntilShortlyBeforeItExpires()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var credential = new ServiceBusSasCredential(KeyName, Key, clock);

        var first = credential.GetAuthorizationValue(Resource, TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromMinutes(54));
        var cached = credential.GetAuthorizationValue(Resource, TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromMinutes(2));
        var renewed = credential.GetAuthorizationValue(Resource, TimeSpan.FromHours(1));

        Assert.Equal(first, cached);
        Assert.EndsWith("&se=1700003600&skn=" + KeyName, first);
        Assert.NotEqual(first, renewed);
        Assert.EndsWith("&se=1700006960&skn=" + KeyName, renewed);
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        var credential = new ServiceBusSasCredential(KeyName, Key);

        Assert.DoesNotContain(Key, credential.ToString(), StringComparison.Ordinal);
    }
}
