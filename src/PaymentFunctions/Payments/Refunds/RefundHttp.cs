using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Bookings;

namespace PaymentFunctions.Payments.Refunds;

/// The answers of the cancel and refund functions: 200 done, 202 refund accepted by Stripe, problems otherwise.
internal static class RefundHttp
{
    /// How long a caller should wait before retrying when Stripe is unavailable.
    private const string StripeRetryAfterSeconds = "5";

    public static Results<Ok<RefundAnswer>, Accepted<RefundAnswer>, ProblemHttpResult> Map(HttpContext http, RefundResult result)
    {
        var stripeRequest = new Dictionary<string, object?> { ["stripeRequestId"] = result.StripeRequestId };
        switch (result.Outcome)
        {
            case RefundOutcome.Cancelled:
                return TypedResults.Ok(result.Answer!);
            case RefundOutcome.Refunding:
                return TypedResults.Accepted($"/api/bookings/{result.Answer!.BookingId}", result.Answer);
            case RefundOutcome.NotFound:
                return BookingsSetup.NotFound();
            case RefundOutcome.Conflict:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Booking cannot be refunded or cancelled", detail: result.Detail);
            case RefundOutcome.StripeRefused:
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the request", detail: result.Detail, extensions: stripeRequest);
            default:
                http.Response.Headers.RetryAfter = StripeRetryAfterSeconds;
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Stripe is unavailable", detail: result.Detail, extensions: stripeRequest);
        }
    }
}
