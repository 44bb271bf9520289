using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace PaymentFunctions.Http;

/// The one auth path of the SPA functions, in both modes: under the Functions host there is no ASP.NET Core
/// middleware pipeline of ours, so each function asks this first. It does what the authorization middleware
/// does - JwtBearer authenticates, the SPA policy decides - and answers 401/403 as problem+json, with the
/// handler's WWW-Authenticate challenge.
public sealed class SpaAuthorization(IPolicyEvaluator evaluator, IAuthorizationPolicyProvider policies)
{
    /// Null when the caller may go on (HttpContext.User is then the caller); otherwise the answer to return.
    public Task<IResult?> DenyAsync(HttpContext http) => DenyAsync(http, AuthSetup.SpaPolicy);

    /// The same for another of the app's policies (e.g. <see cref="AuthSetup.PaymentsAdminPolicy"/>).
    public async Task<IResult?> DenyAsync(HttpContext http, string policyName)
    {
        var policy = await policies.GetPolicyAsync(policyName)
            ?? throw new InvalidOperationException($"The authorization policy '{policyName}' is not registered.");
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

        await http.ForbidAsync(JwtBearerDefaults.AuthenticationScheme);
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "The token does not grant access to this API.");
    }
}
