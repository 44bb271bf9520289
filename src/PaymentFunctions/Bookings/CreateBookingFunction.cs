using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Bookings;

/// POST /api/bookings {ticketTypeId, quantity}: a PENDING booking held for the caller. Idempotency-Key supported.
public sealed class CreateBookingFunction(BookingService service, IdempotencyKeys keys)
{
    [Function("CreateBooking")]
    [Authorize]
    public async Task<Results<Results<Created<BookingView>, ValidationProblem, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bookings")] HttpRequest request, CancellationToken ct)
    {
        var userId = request.HttpContext.User.UserId();
        var body = await JsonBody.ReadAsync<CreateBookingRequest>(request, ct);
        return await keys.ExecuteAsync(request.HttpContext, userId, body, _ => null, async value => Created(await service.CreateAsync(userId, value, ct)));
    }

    private static Results<Created<BookingView>, ValidationProblem, ProblemHttpResult> Created(BookingCreateResult result) => result.Outcome switch
    {
        BookingCreateOutcome.Created => TypedResults.Created($"/api/bookings/{result.Booking!.Id}", result.Booking),
        BookingCreateOutcome.TooManyOpen => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Too many open bookings",
            detail: $"You already hold {result.Limit} unpaid bookings (the limit set by {MaxOpenSetting}). Pay or cancel one, or wait for its hold to end.",
            extensions: new Dictionary<string, object?> { ["setting"] = MaxOpenSetting, ["limit"] = result.Limit }),
        _ => TypedResults.ValidationProblem(result.Errors!),
    };

    public const string MaxOpenSetting = "Bookings:MaxOpenBookingsPerUser";
}
