using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace PaymentFunctions.Http;

/// What a route asks of a token JwtBearer already validated (signature, algorithm, type, issuer, one of the API's
/// audiences, lifetime): a user's own delegated token, for this kind of route's audience, with its scope or role.
/// An application's own token (client credentials: Entra gives it no "scp", and "idtyp": "app" where that optional
/// claim is on) acts for no user, so it never reaches a user's bookings, and no staff route either, whatever app
/// roles it was granted. Each refusal names its reason, which FunctionAuthorization answers as the 403's detail; the
/// reasons name the route's rule, never what the token holds. Its own handler (ASP.NET Core's
/// PassThroughAuthorizationHandler runs a requirement that is one).
public sealed class UserTokenRequirement(string audience, string? refusedAudience, string? scope, string? role)
    : AuthorizationHandler<UserTokenRequirement>, IAuthorizationRequirement
{
    /// Entra's delegated scopes, space-separated (some issuers send a JSON array: one claim per element).
    public const string ScopeClaim = "scp";

    /// Entra's optional claim saying whose token it is: "app" for an application's own.
    public const string TokenKindClaim = "idtyp";

    public const string AudienceClaim = "aud";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UserTokenRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Without an authenticated user, RequireAuthenticatedUser fails the policy and the caller gets 401.
        if (context.User.Identity?.IsAuthenticated == true)
        {
            if (requirement.RefusalOf(context.User) is { } reason)
            {
                context.Fail(new AuthorizationFailureReason(this, reason));
            }
            else
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }

    private string? RefusalOf(ClaimsPrincipal user)
    {
        // Present and not blank: an empty "sub" would make every such token one shared user.
        if (string.IsNullOrWhiteSpace(user.FindFirstValue(AuthSetup.UserIdClaim)))
        {
            return "The token names no user (\"sub\").";
        }

        var scopes = user.FindAll(ScopeClaim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        if (scopes.Count == 0 || user.HasClaim(TokenKindClaim, "app"))
        {
            return "This route takes a user's token; an application's own token (no \"scp\", or \"idtyp\" app) is refused.";
        }

        var audiences = user.FindAll(AudienceClaim).Select(c => c.Value).ToList();
        if (!audiences.Contains(audience, StringComparer.Ordinal) || (refusedAudience is not null && audiences.Contains(refusedAudience, StringComparer.Ordinal)))
        {
            return "The token is issued for another audience than this route's.";
        }

        if (scope is not null && !scopes.Contains(scope))
        {
            return $"The token lacks the scope {scope} (\"scp\").";
        }

        if (role is not null && !user.IsInRole(role))
        {
            return $"The token lacks the role {role} (\"{AuthSetup.RolesClaim}\").";
        }

        return null;
    }
}
