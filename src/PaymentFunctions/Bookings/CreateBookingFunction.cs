using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Bookings;

public sealed class CreateBookingFunction(SpaAuthorization auth, BookingService service, IdempotencyKeys keys)
{
    [Function("CreateBooking")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bookings")] HttpRequest request, CancellationToken ct)
    {
        var http = request.HttpContext;
        if (await auth.DenyAsync(http) is { } denied)
        {
            return denied;
        }

        var body = await JsonBody.ReadAsync<CreateBookingRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var userId = http.User.UserId();
        return await keys.ExecuteAsync(http, userId, body.Raw, async () => Created(await service.CreateAsync(userId, body.Value!, ct)));
    }

    private static Results<Created<BookingView>, ValidationProblem> Created(BookingCreateResult result) =>
        result.Outcome == BookingCreateOutcome.Created
            ? TypedResults.Created($"/api/bookings/{result.Booking!.Id}", result.Booking)
            : TypedResults.ValidationProblem(result.Errors!);
}
