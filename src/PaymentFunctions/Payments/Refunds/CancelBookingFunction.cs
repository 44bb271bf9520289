using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Refunds;

/// POST /api/bookings/{id}/cancel: the owner cancels; no body. Idempotency-Key supported like the other POSTs.
public sealed class CancelBookingFunction(SpaAuthorization auth, BookingCancellation cancellation, IdempotencyKeys keys)
{
    [Function("CancelBooking")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bookings/{id}/cancel")] HttpRequest request, string id, CancellationToken ct)
    {
        var http = request.HttpContext;
        if (await auth.DenyAsync(http) is { } denied)
        {
            return denied;
        }

        var userId = http.User.UserId();
        return await keys.ExecuteAsync(http, userId, [], async () => RefundHttp.Map(http, await cancellation.CancelAsync(userId, id, ct)));
    }
}
