using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Bookings;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments;

/// The payment state the SPA polls.
public sealed class GetPaymentFunction(SpaAuthorization auth, PaymentStatusReader reader)
{
    [Function("GetPaymentStatus")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "payments/{bookingId}")] HttpRequest request, string bookingId, CancellationToken ct)
    {
        if (await auth.DenyAsync(request.HttpContext) is { } denied)
        {
            return denied;
        }

        return await reader.ReadAsync(request.HttpContext.User.UserId(), bookingId, ct) is { } status ? TypedResults.Ok(status) : BookingsSetup.NotFound();
    }
}
