using System.Text;
using Microsoft.IdentityModel.Tokens;
using PaymentFunctions.Http;

namespace PaymentFunctions.Tests.Infrastructure;

/// The HS256 development tokens the app accepts in Development only (issuer paymentfunctions-dev), minted by the
/// app's own DevTokens: a user's delegated token with the SPA's scope in "scp", as Entra issues them, unless the test
/// asks for another scope (null: none, an application's own token), key, issuer, audience or lifetime.
public static class TestTokens
{
    /// 512 bits: long enough that IdentityModel would sign and check HS384 and HS512 with it too, so a test shows the
    /// app refusing those algorithms, not the key's length.
    public const string SigningKey = "tests-only-signing-key-0123456789-0123456789-abcdefghijklmnopqrst";
    public const string Issuer = "paymentfunctions-dev";
    public const string Audience = "paymentfunctions";
    public const string Scope = "payments.access";

    public static string For(string userId, DateTimeOffset? expires = null, string? signingKey = null, string issuer = Issuer, string audience = Audience, string[]? roles = null, string? scope = Scope) =>
        DevTokens.Create(signingKey ?? SigningKey, audience, userId, roles ?? [], scope, DateTimeOffset.UtcNow.AddMinutes(-1), expires ?? DateTimeOffset.UtcNow.AddHours(1), issuer);

    public static SigningCredentials DevKey(string key = SigningKey, string algorithm = SecurityAlgorithms.HmacSha256) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm);
}
