using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Refunds;

/// POST /api/admin/bookings/{id}/refunds {amount, reason}: staff with the role payments.admin refund part of any
/// paid booking. Amount in minor units, at least 1, never more than is left (409). The Idempotency-Key header is
/// required (<see cref="RequiredIdempotencyKey"/>): without it nothing reaches Stripe or storage.
public sealed class StaffRefundFunction(StaffRefunds staffRefunds, IdempotencyKeys keys)
{
    [Function("StaffRefund")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Results<Ok<RefundAnswer>, Accepted<RefundAnswer>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/bookings/{id}/refunds")] HttpRequest request, string id, CancellationToken ct)
    {
        if (RequiredIdempotencyKey.Read(request, "refund", out var key) is { } refused)
        {
            return refused;
        }

        var http = request.HttpContext;
        var staffUserId = http.User.UserId();
        var body = await JsonBody.ReadAsync<StaffRefundRequest>(request, ct);
        return await keys.ExecuteAsync(http, staffUserId, body, Validate, async value =>
            RefundHttp.Map(http, await staffRefunds.RefundAsync(staffUserId, id, value.Amount!.Value, value.Reason!, key, ct)));
    }

    private static ValidationProblem? Validate(StaffRefundRequest body) =>
        body.Amount is not >= 1 ? JsonBody.Invalid("amount", "amount is required: an integer of at least 1, in the booking currency's minor units.")
        : body.Reason is not { } reason || !StaffRefunds.Reasons.Contains(reason) ? JsonBody.Invalid("reason", $"reason is required: one of {string.Join(", ", StaffRefunds.Reasons)}.")
        : null;
}

/// POST /api/admin/bookings/{id}/refunds. Nullable so that a missing field is a validation error, not a default.
public sealed record StaffRefundRequest(long? Amount, string? Reason);
