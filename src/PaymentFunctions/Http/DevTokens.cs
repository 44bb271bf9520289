using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PaymentFunctions.Http;

/// The HS256 development token, minted in one place: the demo's token helper (Development only) and the tests'
/// tokens go through <see cref="Create"/>; tools/mint-dev-token.sh writes the same claims with openssl for a shell
/// without .NET. A user's delegated token as Entra issues one: iss paymentfunctions-dev, aud Auth:Audience, sub the
/// user id, scp Auth:RequiredScope, roles, iat/nbf/exp.
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
        return (Create(auth.DevSigningKey!, auth.Audience, userId, roles, auth.RequiredScope, now, now + Lifetime), now + Lifetime);
    }

    /// Scope null: no "scp", an application's own token (which every route refuses).
    public static string Create(string signingKey, string audience, string userId, IReadOnlyCollection<string> roles, string? scope, DateTimeOffset notBefore, DateTimeOffset expires, string issuer = AuthOptions.DevIssuer)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var claims = new Dictionary<string, object>();
        if (scope is not null)
        {
            claims[UserTokenRequirement.ScopeClaim] = scope;
        }

        if (roles.Count > 0)
        {
            // Always an array, as Entra ID and the script write it.
            claims[AuthSetup.RolesClaim] = roles.ToArray();
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(AuthSetup.UserIdClaim, userId)]),
            Claims = claims,
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
