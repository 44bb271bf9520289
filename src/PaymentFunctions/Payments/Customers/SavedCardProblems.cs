using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

internal static class SavedCardProblems
{
    /// Stripe refused or could not be reached: nothing changed here; a 503 with Retry-After, or 502 for a refusal.
    public static ProblemHttpResult StripeDown(HttpContext http, Exception exception, StripeBackoff backoff, ILogger logger)
    {
        var stripe = exception as StripeException;
        logger.LogWarning("Stripe answered {Status} {Type}/{Code} {Reason} (request {RequestId}) for saved cards", (int?)stripe?.HttpStatusCode, stripe?.StripeError?.Type, stripe?.StripeError?.Code, stripe is null ? null : StripeFailure.RateLimitedReason(stripe), stripe is null ? null : StripeFailure.RequestId(stripe));
        if (stripe is not null && StripeFailure.IsRateLimited(stripe))
        {
            http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(backoff.Delay(stripe, attempt: 1));
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Stripe is busy", detail: "Stripe is taking no more requests for now; nothing was changed. Retry after the Retry-After delay.");
        }

        if (stripe is not null && !StripeFailure.IsTransient(stripe))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the request", extensions: new Dictionary<string, object?> { ["stripeRequestId"] = StripeFailure.RequestId(stripe) });
        }

        http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(null);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Stripe is unavailable", detail: "Stripe could not be reached or is unavailable; retry in a few seconds.");
    }
}
