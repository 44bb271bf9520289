using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

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

    private static Results<Created<IntentView>, Ok<IntentView>, ProblemHttpResult> Map(HttpContext http, IntentResult result) => result.Outcome switch
    {
        IntentOutcome.Created => TypedResults.Created($"/api/payments/{result.Intent!.BookingId}", result.Intent),
        IntentOutcome.Existing => TypedResults.Ok(result.Intent!),
        _ => PaymentProblems.For(http, result),
    };
}
