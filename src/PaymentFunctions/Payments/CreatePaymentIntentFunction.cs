using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

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

    private static Results<Created<IntentView>, Ok<IntentView>, ProblemHttpResult> Map(HttpContext http, IntentResult result) => result.Outcome switch
    {
        IntentOutcome.Created => TypedResults.Created($"/api/payments/{result.Intent!.BookingId}", result.Intent),
        IntentOutcome.Existing => TypedResults.Ok(result.Intent!),
        _ => PaymentProblems.For(http, result),
    };
}
