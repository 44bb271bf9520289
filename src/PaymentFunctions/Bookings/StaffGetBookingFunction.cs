using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Bookings;

/// GET /api/admin/bookings/{id}: staff with the role payments.admin read any booking, with its history and every
/// refund's status and failure reason (what a REFUND_FAILED booking needs before staff refund it again). Each read is
/// in the audit trail.
public sealed class StaffGetBookingFunction(BookingService service)
{
    [Function("StaffGetBooking")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Ok<BookingView>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/bookings/{id}")] HttpRequest request, string id, CancellationToken ct) =>
        await service.GetForStaffAsync(request.HttpContext.User.UserId(), id, ct) is { } booking
            ? TypedResults.Ok(booking)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Booking not found", detail: "There is no booking with this id.");
}
