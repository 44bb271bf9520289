using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Bookings;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments;

/// The payment state the SPA polls.
public sealed class GetPaymentFunction(PaymentStatusReader reader)
{
    [Function("GetPaymentStatus")]
    [Authorize]
    public async Task<Results<Ok<PaymentStatusView>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "payments/{bookingId}")] HttpRequest request, string bookingId, CancellationToken ct) =>
        await reader.ReadAsync(request.HttpContext.User.UserId(), bookingId, ct) is { } status ? TypedResults.Ok(status) : BookingsSetup.NotFound();
}
