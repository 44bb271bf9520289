using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Bookings;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;

namespace PaymentFunctions.Payments;

public sealed class CreatePaymentIntentFunction(PaymentIntentIssuer issuer, IdempotencyKeys keys)
{
    [Function("CreatePaymentIntent")]
    [Authorize]
    public async Task<Results<Results<Created<IntentView>, Ok<IntentView>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/intents")] HttpRequest request, CancellationToken ct)
    {
        var http = request.HttpContext;
        var userId = http.User.UserId();
        var body = await JsonBody.ReadAsync<CreateIntentRequest>(request, ct);
        return await keys.ExecuteAsync(http, userId, body, Validate, async value =>
            Map(http, await issuer.IssueAsync(userId, value.BookingId!, value.SavePaymentMethod == true, ct)));
    }

    private static ValidationProblem? Validate(CreateIntentRequest body) =>
        body.BookingId is { Length: > 0 } ? null : JsonBody.Invalid("bookingId", "bookingId is required.");

    private static Results<Created<IntentView>, Ok<IntentView>, ProblemHttpResult> Map(HttpContext http, IntentResult result)
    {
        var stripeRequest = new Dictionary<string, object?> { ["stripeRequestId"] = result.StripeRequestId };
        switch (result.Outcome)
        {
            case IntentOutcome.Created:
                return TypedResults.Created($"/api/payments/{result.Intent!.BookingId}", result.Intent);
            case IntentOutcome.Existing:
                return TypedResults.Ok(result.Intent!);
            case IntentOutcome.NotFound:
                return BookingsSetup.NotFound();
            case IntentOutcome.NotPayable:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Booking cannot be paid", detail: result.Detail);
            case IntentOutcome.UserRateLimited:
                http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(result.RetryAfter);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many payment requests", detail: result.Detail, extensions: new Dictionary<string, object?> { ["setting"] = IntentResult.MaxCallsSetting });
            case IntentOutcome.StripeRefused:
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the payment", detail: result.Detail, extensions: stripeRequest);
            default:
                http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(result.RetryAfter);
                var title = result.Outcome == IntentOutcome.StripeRateLimited ? "Stripe is busy" : "Stripe is unavailable";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: result.Detail, extensions: stripeRequest);
        }
    }
}
