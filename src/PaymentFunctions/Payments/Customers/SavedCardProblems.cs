using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

internal static class SavedCardProblems
{
    /// Stripe refused or could not be reached: nothing changed here; a 503 with Retry-After, or 502 for a refusal.
    public static ProblemHttpResult StripeDown(HttpContext http, Exception exception, ILogger logger)
    {
        var stripe = exception as StripeException;
        logger.LogWarning("Stripe answered {Status} {Type}/{Code} (request {RequestId}) for saved cards", (int?)stripe?.HttpStatusCode, stripe?.StripeError?.Type, stripe?.StripeError?.Code, stripe is null ? null : StripeFailure.RequestId(stripe));
        if (stripe is not null && !StripeFailure.IsTransient(stripe))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the request", extensions: new Dictionary<string, object?> { ["stripeRequestId"] = StripeFailure.RequestId(stripe) });
        }

        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Stripe is unavailable", detail: "Stripe could not be reached or is unavailable; retry in a few seconds.");
    }
}
