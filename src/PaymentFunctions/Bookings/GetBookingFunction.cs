using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Bookings;

/// GET /api/bookings/{id}: the caller's own booking; another user's is a 404 exactly like a missing one.
public sealed class GetBookingFunction(BookingService service)
{
    [Function("GetBooking")]
    [Authorize]
    public async Task<Results<Ok<BookingView>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bookings/{id}")] HttpRequest request, string id, CancellationToken ct) =>
        await service.GetAsync(request.HttpContext.User.UserId(), id, ct) is { } booking ? TypedResults.Ok(booking) : BookingsSetup.NotFound();
}
