using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Bookings;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;

namespace PaymentFunctions.Payments;

public sealed class CreatePaymentIntentFunction(PaymentIntentIssuer issuer, IdempotencyKeys keys)
{
    // The answer's client secret is never stored with its Idempotency-Key; a replay reads it again from Stripe.
    private static readonly string ClientSecret = JsonNamingPolicy.CamelCase.ConvertName(nameof(IntentView.ClientSecret));
    private static readonly string PaymentIntentId = JsonNamingPolicy.CamelCase.ConvertName(nameof(IntentView.PaymentIntentId));

    [Function("CreatePaymentIntent")]
    [Authorize]
    public async Task<Results<Results<Created<IntentView>, Ok<IntentView>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/intents")] HttpRequest request, CancellationToken ct)
    {
        var http = request.HttpContext;
        var userId = http.User.UserId();
        var body = await JsonBody.ReadAsync<CreateIntentRequest>(request, ct);
        var answer = await keys.ExecuteAsync(
            http, userId, body, Validate, async value => Map(http, await issuer.IssueAsync(userId, value.BookingId!, value.SavePaymentMethod == true, ct)), withheld: ClientSecret);
        return answer.Result is StoredResponse { Replayed: true } replay && replay.JsonProperty(PaymentIntentId) is { } intentId && replay.JsonProperty(ClientSecret) is null
            ? await WithClientSecretAsync(http, replay, intentId, ct)
            : answer;
    }

    private async Task<Results<Results<Created<IntentView>, Ok<IntentView>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> WithClientSecretAsync(
        HttpContext http, StoredResponse replay, string intentId, CancellationToken ct)
    {
        var read = await issuer.ReadClientSecretAsync(intentId, ct);
        return read.Outcome == IntentOutcome.Existing ? replay.WithJsonProperty(ClientSecret, read.ClientSecret) : Map(http, read);
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
