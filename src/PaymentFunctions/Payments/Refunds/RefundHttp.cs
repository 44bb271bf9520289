using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Bookings;
using PaymentFunctions.Payments.StripeApi;

namespace PaymentFunctions.Payments.Refunds;

/// The answers of the cancel and refund functions: 200 done, 202 refund accepted by Stripe, problems otherwise.
internal static class RefundHttp
{
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
                http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(result.RetryAfter);
                var title = result.Outcome == RefundOutcome.StripeRateLimited ? "Stripe is busy" : "Stripe is unavailable";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: result.Detail, extensions: stripeRequest);
        }
    }
}
