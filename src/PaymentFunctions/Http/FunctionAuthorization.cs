using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace PaymentFunctions.Http;

/// The one auth check of the HTTP functions, in both modes: each function declares ASP.NET Core's [Authorize]
/// (the SPA policy, the default) or [Authorize(Policy = ...)], or [AllowAnonymous]; this runs before the function,
/// called by the worker middleware under the Functions host (which has no ASP.NET Core authorization middleware of
/// ours) and by the standalone host. It does what the authorization middleware does - JwtBearer authenticates, the
/// policy decides - and answers 401/403 as problem+json, with the handler's WWW-Authenticate challenge. A function
/// that declares neither is refused: a forgotten attribute must not make an endpoint public.
public sealed class FunctionAuthorization(IPolicyEvaluator evaluator, IAuthorizationPolicyProvider policies)
{
    /// Null when the caller may go on (HttpContext.User is then the caller); otherwise the answer to return.
    public async Task<IResult?> DenyAsync(MethodInfo function, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(http);
        if (function.GetCustomAttribute<AllowAnonymousAttribute>() is not null)
        {
            return null;
        }

        var declared = function.GetCustomAttributes<AuthorizeAttribute>().ToList();
        if (declared.Count == 0)
        {
            throw new InvalidOperationException($"{function.DeclaringType?.Name}.{function.Name} declares neither [Authorize] nor [AllowAnonymous].");
        }

        // ASP.NET Core's own reading of [Authorize]: no policy named means the default policy (the SPA's).
        var policy = await AuthorizationPolicy.CombineAsync(policies, declared)
            ?? throw new InvalidOperationException($"{function.DeclaringType?.Name}.{function.Name}: its [Authorize] gives no policy.");
        var authentication = await evaluator.AuthenticateAsync(policy, http);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, http, resource: null);
        if (authorization.Succeeded)
        {
            return null;
        }

        if (authorization.Challenged)
        {
            await http.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "A valid bearer token is required.");
        }

        // A valid token that does not fit the route: the reasons say which rule (UserTokenRequirement's), never the token.
        var reasons = authorization.AuthorizationFailure?.FailureReasons.Select(r => r.Message).ToList() ?? [];
        await http.ForbidAsync(JwtBearerDefaults.AuthenticationScheme);
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: reasons.Count > 0 ? string.Join(" ", reasons) : "The token does not grant access to this API.");
    }
}
