using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Bookings;

public static class BookingEndpoints
{
    public static IServiceCollection AddBookings(this IServiceCollection services)
    {
        services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Catalog>();
        services.AddSingleton<BookingIds>();
        services.AddSingleton<BookingService>();
        services.AddIdempotencyKeys();
        return services;
    }

    public static IEndpointRouteBuilder MapBookings(this IEndpointRouteBuilder app)
    {
        var bookings = app.MapGroup("/api/bookings").RequireAuthorization(AuthSetup.SpaPolicy);
        bookings.MapPost("", CreateAsync).WithName("CreateBooking");
        bookings.MapGet("/{id}", GetAsync).WithName("GetBooking");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, BookingService service, IdempotencyKeys keys, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<CreateBookingRequest>(http.Request, ct);
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

    private static async Task<Results<Ok<BookingView>, ProblemHttpResult>> GetAsync(string id, HttpContext http, BookingService service, CancellationToken ct) =>
        await service.GetAsync(http.User.UserId(), id, ct) is { } booking ? TypedResults.Ok(booking) : NotFound();

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Booking not found", detail: "There is no booking with this id for the signed-in user.");
}
