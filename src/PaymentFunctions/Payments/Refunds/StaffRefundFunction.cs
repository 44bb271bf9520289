using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Refunds;

/// POST /api/admin/bookings/{id}/refunds {amount, reason}: staff with the role payments.admin refund part of any
/// paid booking. Amount in minor units, at least 1, never more than is left (409). The Idempotency-Key header is
/// required: it is the only thing that tells a retry or a double click from a second refund, so without it the
/// request is refused (400, as draft-ietf-httpapi-idempotency-key-header asks for a missing required key; 428 is
/// for conditional requests, If-Match and the like) before anything reaches Stripe or storage.
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

        if (!request.Headers.TryGetValue(IdempotencyKeys.HeaderName, out var header))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [IdempotencyKeys.HeaderName] = [$"{IdempotencyKeys.HeaderName} is required: one key per refund, sent again unchanged on every retry of it."] },
                title: $"{IdempotencyKeys.HeaderName} required",
                detail: $"Staff refunds need an {IdempotencyKeys.HeaderName} header, so that a retry or a double click cannot refund twice. Nothing was refunded.");
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
        // A malformed key is refused by keys.ExecuteAsync, which is where its answer comes from.
        return await keys.ExecuteAsync(http, staffUserId, body.Raw, async () =>
            IdempotencyKeyHeader.TryParse(header, out var key)
                ? RefundHttp.Map(http, await staffRefunds.RefundAsync(staffUserId, id, amount, reason, key, ct))
                : throw new InvalidOperationException("IdempotencyKeys runs the handler only for a key that parses."));
    }
}

/// POST /api/admin/bookings/{id}/refunds. Nullable so that a missing field is a validation error, not a default.
public sealed record StaffRefundRequest(long? Amount, string? Reason);
