using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Payments.Refunds;

/// POST /api/admin/bookings/{id}/refunds {amount, reason}: staff with the role payments.admin refund part of any
/// paid booking. Amount in minor units, at least 1, never more than is left (409).
public sealed class StaffRefundFunction(SpaAuthorization auth, StaffRefunds staffRefunds, IdempotencyKeys keys)
{
    [Function("StaffRefund")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/bookings/{id}/refunds")] HttpRequest request, string id, CancellationToken ct)
    {
        var http = request.HttpContext;
        if (await auth.DenyAsync(http, AuthSetup.PaymentsAdminPolicy) is { } denied)
        {
            return denied;
        }

        var body = await JsonBody.ReadAsync<StaffRefundRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Value!.Amount is not ({ } amount and >= 1))
        {
            return JsonBody.Invalid("amount", "amount is required: an integer of at least 1, in the booking currency's minor units.");
        }

        if (body.Value.Reason is not { } reason || !StaffRefunds.Reasons.Contains(reason))
        {
            return JsonBody.Invalid("reason", $"reason is required: one of {string.Join(", ", StaffRefunds.Reasons)}.");
        }

        var staffUserId = http.User.UserId();
        var key = IdempotencyKeyHeader.TryParse(request.Headers[IdempotencyKeys.HeaderName], out var parsed) ? parsed : null;
        return await keys.ExecuteAsync(http, staffUserId, body.Raw, async () => RefundHttp.Map(http, await staffRefunds.RefundAsync(staffUserId, id, amount, reason, key, ct)));
    }
}

/// POST /api/admin/bookings/{id}/refunds. Nullable so that a missing field is a validation error, not a default.
public sealed record StaffRefundRequest(long? Amount, string? Reason);
