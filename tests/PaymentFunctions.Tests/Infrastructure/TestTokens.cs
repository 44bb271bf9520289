using PaymentFunctions.Http;

namespace PaymentFunctions.Tests.Infrastructure;

/// The HS256 development tokens the app accepts in Development only (issuer paymentfunctions-dev), minted by the
/// app's own DevTokens with the tests' key, or with a wrong key, issuer, audience or lifetime where a test needs one.
public static class TestTokens
{
    public const string SigningKey = "tests-only-signing-key-0123456789-0123456789";
    public const string Issuer = "paymentfunctions-dev";
    public const string Audience = "paymentfunctions";

    public static string For(string userId, DateTimeOffset? expires = null, string? signingKey = null, string issuer = Issuer, string audience = Audience, string[]? roles = null) =>
        DevTokens.Create(signingKey ?? SigningKey, audience, userId, roles ?? [], DateTimeOffset.UtcNow.AddMinutes(-1), expires ?? DateTimeOffset.UtcNow.AddHours(1), issuer);
}
