using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PaymentFunctions.Http;

/// The HS256 development token, minted in one place: the demo's token helper (Development only) and the tests'
/// tokens go through <see cref="Create"/>; tools/mint-dev-token.sh writes the same claims with openssl for a shell
/// without .NET. Claims: iss paymentfunctions-dev, aud Auth:Audience, sub the user id, roles, iat/nbf/exp.
public sealed partial class DevTokens(IOptions<AuthOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// Whether the API accepts development tokens (Auth:DevSigningKey set and no Auth:Authority).
    public bool Accepted => options.Value.AcceptsDevTokens;

    public (string Token, DateTimeOffset ExpiresAt) Mint(string userId, IReadOnlyCollection<string> roles)
    {
        var auth = options.Value;
        if (!auth.AcceptsDevTokens)
        {
            throw new InvalidOperationException("Development tokens are not accepted: Auth:DevSigningKey is unset or Auth:Authority is set.");
        }

        var now = time.GetUtcNow();
        return (Create(auth.DevSigningKey!, auth.Audience, userId, roles, now, now + Lifetime), now + Lifetime);
    }

    public static string Create(string signingKey, string audience, string userId, IReadOnlyCollection<string> roles, DateTimeOffset notBefore, DateTimeOffset expires, string issuer = AuthOptions.DevIssuer)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(AuthSetup.UserIdClaim, userId)]),
            // Always an array, as Entra ID and the script write it; absent when there are none.
            Claims = roles.Count > 0 ? new Dictionary<string, object> { [AuthSetup.RolesClaim] = roles.ToArray() } : null,
            NotBefore = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// The user ids and roles tools/mint-dev-token.sh accepts, so both mint for the same users.
    public static bool IsUserId(string? value) => value is { Length: <= 64 } && UserIdPattern().IsMatch(value);

    public static bool IsRole(string? value) => value is { Length: <= 64 } && RolePattern().IsMatch(value);

    // \z, not $: in .NET, $ also matches before a final newline ("alice\n").
    [GeneratedRegex(@"^[A-Za-z0-9._@-]+\z")]
    private static partial Regex UserIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+\z")]
    private static partial Regex RolePattern();
}
