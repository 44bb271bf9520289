using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PaymentFunctions.Tests.Infrastructure;

/// Mints the HS256 development tokens the app accepts in Development only (issuer paymentfunctions-dev).
public static class TestTokens
{
    public const string SigningKey = "tests-only-signing-key-0123456789-0123456789";
    public const string Issuer = "paymentfunctions-dev";
    public const string Audience = "paymentfunctions";

    public static string For(string userId, DateTimeOffset? expires = null, string? signingKey = null, string issuer = Issuer, string audience = Audience, string[]? roles = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId), .. (roles ?? []).Select(r => new Claim("roles", r))]),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = (expires ?? DateTimeOffset.UtcNow.AddHours(1)).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
}
