using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PaymentFunctions.Tests.Infrastructure;

/// Mints the HS256 development tokens the app accepts in Development only (issuer paymentfunctions-dev): a user's
/// delegated token with the SPA's scope in "scp", as Entra issues them, unless the test asks for another scope
/// (null: none, an application's own token).
public static class TestTokens
{
    /// 512 bits: long enough that IdentityModel would sign and check HS384 and HS512 with it too, so a test shows the
    /// app refusing those algorithms, not the key's length.
    public const string SigningKey = "tests-only-signing-key-0123456789-0123456789-abcdefghijklmnopqrst";
    public const string Issuer = "paymentfunctions-dev";
    public const string Audience = "paymentfunctions";
    public const string Scope = "payments.access";

    public static string For(string userId, DateTimeOffset? expires = null, string? signingKey = null, string issuer = Issuer, string audience = Audience, string[]? roles = null, string? scope = Scope) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId), .. (roles ?? []).Select(r => new Claim("roles", r)), .. scope is null ? Array.Empty<Claim>() : [new Claim("scp", scope)]]),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = (expires ?? DateTimeOffset.UtcNow.AddHours(1)).UtcDateTime,
            SigningCredentials = DevKey(signingKey ?? SigningKey),
        });

    public static SigningCredentials DevKey(string key = SigningKey, string algorithm = SecurityAlgorithms.HmacSha256) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm);
}
