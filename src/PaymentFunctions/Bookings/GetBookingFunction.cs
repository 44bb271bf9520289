using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Bookings;

public sealed class GetBookingFunction(SpaAuthorization auth, BookingService service)
{
    [Function("GetBooking")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bookings/{id}")] HttpRequest request, string id, CancellationToken ct)
    {
        if (await auth.DenyAsync(request.HttpContext) is { } denied)
        {
            return denied;
        }

        return await service.GetAsync(request.HttpContext.User.UserId(), id, ct) is { } booking ? TypedResults.Ok(booking) : BookingsSetup.NotFound();
    }
}
