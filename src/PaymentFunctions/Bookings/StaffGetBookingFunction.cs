using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Bookings;

/// GET /api/admin/bookings/{id}: staff with the role payments.admin read any booking, with its history and every
/// refund's status and failure reason (what a REFUND_FAILED booking needs before staff refund it again).
public sealed class StaffGetBookingFunction(SpaAuthorization auth, BookingService service)
{
    [Function("StaffGetBooking")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/bookings/{id}")] HttpRequest request, string id, CancellationToken ct)
    {
        if (await auth.DenyAsync(request.HttpContext, AuthSetup.PaymentsAdminPolicy) is { } denied)
        {
            return denied;
        }

        return await service.GetForStaffAsync(id, ct) is { } booking
            ? TypedResults.Ok(booking)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Booking not found", detail: "There is no booking with this id.");
    }
}
