using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Checkout;

public sealed class CreateCheckoutSessionFunction(CheckoutSessionIssuer issuer, IdempotencyKeys keys)
{
    [Function("CreateCheckoutSession")]
    [Authorize]
    public async Task<Results<Results<Created<CheckoutSessionView>, Ok<CheckoutSessionView>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/checkout-sessions")] HttpRequest request, CancellationToken ct)
    {
        var http = request.HttpContext;
        var userId = http.User.UserId();
        var body = await JsonBody.ReadAsync<CreateCheckoutSessionRequest>(request, ct);
        return await keys.ExecuteAsync(http, userId, body, Validate, async value =>
            Map(http, value.BookingId!, await issuer.IssueAsync(userId, value.BookingId!, value.ReturnPath, ct)));
    }

    private static ValidationProblem? Validate(CreateCheckoutSessionRequest body) =>
        body.BookingId is not { Length: > 0 } ? JsonBody.Invalid("bookingId", "bookingId is required.")
        : CheckoutReturnUrls.Refusal(body.ReturnPath) is { } refusal ? JsonBody.Invalid("returnPath", refusal)
        : null;

    private static Results<Created<CheckoutSessionView>, Ok<CheckoutSessionView>, ProblemHttpResult> Map(HttpContext http, string bookingId, CheckoutResult result) => result.Outcome switch
    {
        IntentOutcome.Created => TypedResults.Created($"/api/payments/{bookingId}", result.Session),
        IntentOutcome.Existing => TypedResults.Ok(result.Session!),
        _ => PaymentProblems.For(http, result.Refused!),
    };
}
