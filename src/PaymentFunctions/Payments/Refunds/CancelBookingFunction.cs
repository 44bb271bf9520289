using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Refunds;

/// POST /api/bookings/{id}/cancel: the owner cancels; no body. Idempotency-Key supported like the other POSTs.
public sealed class CancelBookingFunction(BookingCancellation cancellation, IdempotencyKeys keys)
{
    [Function("CancelBooking")]
    [Authorize]
    public async Task<Results<Results<Ok<RefundAnswer>, Accepted<RefundAnswer>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bookings/{id}/cancel")] HttpRequest request, string id, CancellationToken ct)
    {
        var http = request.HttpContext;
        var userId = http.User.UserId();
        return await keys.ExecuteAsync(http, userId, [], async () => RefundHttp.Map(http, await cancellation.CancelAsync(userId, id, ct)));
    }
}
