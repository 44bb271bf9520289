using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Bookings;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments;

public sealed class CreatePaymentIntentFunction(SpaAuthorization auth, PaymentIntentIssuer issuer, IdempotencyKeys keys)
{
    /// How long the SPA should wait before retrying when Stripe is unavailable.
    private const string StripeRetryAfterSeconds = "5";

    [Function("CreatePaymentIntent")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/intents")] HttpRequest request, CancellationToken ct)
    {
        var http = request.HttpContext;
        if (await auth.DenyAsync(http) is { } denied)
        {
            return denied;
        }

        var body = await JsonBody.ReadAsync<CreateIntentRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Value!.BookingId is not { Length: > 0 } bookingId)
        {
            return JsonBody.Invalid("bookingId", "bookingId is required.");
        }

        var userId = http.User.UserId();
        return await keys.ExecuteAsync(http, userId, body.Raw, async () => Map(http, await issuer.IssueAsync(userId, bookingId, body.Value.SavePaymentMethod == true, ct)));
    }

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
            case IntentOutcome.StripeRefused:
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the payment", detail: result.Detail, extensions: stripeRequest);
            default:
                http.Response.Headers.RetryAfter = StripeRetryAfterSeconds;
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Stripe is unavailable", detail: result.Detail, extensions: stripeRequest);
        }
    }
}
