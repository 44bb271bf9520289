using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Refunds;

/// POST /api/admin/bookings/{id}/refunds {amount, reason}: staff with the role payments.admin refund part of any
/// paid booking. Amount in minor units, at least 1, never more than is left (409). The Idempotency-Key header is
/// required: it is the only thing that tells a retry or a double click from a second refund, so without it the
/// request is refused (400, as draft-ietf-httpapi-idempotency-key-header asks for a missing required key; 428 is
/// for conditional requests, If-Match and the like) before anything reaches Stripe or storage.
public sealed class StaffRefundFunction(StaffRefunds staffRefunds, IdempotencyKeys keys)
{
    [Function("StaffRefund")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Results<Ok<RefundAnswer>, Accepted<RefundAnswer>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/bookings/{id}/refunds")] HttpRequest request, string id, CancellationToken ct)
    {
        var http = request.HttpContext;
        if (!request.Headers.TryGetValue(IdempotencyKeys.HeaderName, out var header))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [IdempotencyKeys.HeaderName] = [$"{IdempotencyKeys.HeaderName} is required: one key per refund, sent again unchanged on every retry of it."] },
                title: $"{IdempotencyKeys.HeaderName} required",
                detail: $"Staff refunds need an {IdempotencyKeys.HeaderName} header, so that a retry or a double click cannot refund twice. Nothing was refunded.");
        }

        var staffUserId = http.User.UserId();
        var body = await JsonBody.ReadAsync<StaffRefundRequest>(request, ct);
        // A malformed key is refused by keys.ExecuteAsync, which is where its answer comes from.
        return await keys.ExecuteAsync(http, staffUserId, body, Validate, async value =>
            IdempotencyKeyHeader.TryParse(header, out var key)
                ? RefundHttp.Map(http, await staffRefunds.RefundAsync(staffUserId, id, value.Amount!.Value, value.Reason!, key, ct))
                : throw new InvalidOperationException("IdempotencyKeys runs the handler only for a key that parses."));
    }

    private static ValidationProblem? Validate(StaffRefundRequest body) =>
        body.Amount is not >= 1 ? JsonBody.Invalid("amount", "amount is required: an integer of at least 1, in the booking currency's minor units.")
        : body.Reason is not { } reason || !StaffRefunds.Reasons.Contains(reason) ? JsonBody.Invalid("reason", $"reason is required: one of {string.Join(", ", StaffRefunds.Reasons)}.")
        : null;
}

/// POST /api/admin/bookings/{id}/refunds. Nullable so that a missing field is a validation error, not a default.
public sealed record StaffRefundRequest(long? Amount, string? Reason);
