using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Bookings;
using PaymentFunctions.Payments.StripeApi;

namespace PaymentFunctions.Payments;

/// The problem+json answer to a payment request that created nothing, the same for both flows (a PaymentIntent,
/// a Checkout Session): 404, 409, 429, 502, 503, with Retry-After where a retry helps.
public static class PaymentProblems
{
    public static ProblemHttpResult For(HttpContext http, IntentResult result)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(result);
        var stripeRequest = new Dictionary<string, object?> { ["stripeRequestId"] = result.StripeRequestId };
        switch (result.Outcome)
        {
            case IntentOutcome.NotFound:
                return BookingsSetup.NotFound();
            case IntentOutcome.NotPayable:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Booking cannot be paid", detail: result.Detail);
            case IntentOutcome.OtherFlowOpen:
                var (member, id) = result.OpenFlow!.Value;
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Booking is being paid another way", detail: result.Detail, extensions: new Dictionary<string, object?> { [member] = id });
            case IntentOutcome.UserRateLimited:
                http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(result.RetryAfter);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many payment requests", detail: result.Detail, extensions: new Dictionary<string, object?> { ["setting"] = IntentResult.MaxCallsSetting });
            case IntentOutcome.StripeRefused:
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the payment", detail: result.Detail, extensions: stripeRequest);
            case IntentOutcome.StripeRateLimited or IntentOutcome.StripeUnavailable:
                http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(result.RetryAfter);
                var title = result.Outcome == IntentOutcome.StripeRateLimited ? "Stripe is busy" : "Stripe is unavailable";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: result.Detail, extensions: stripeRequest);
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Not a refusal.");
        }
    }
}
