using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Bookings;

public static class BookingsSetup
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

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Booking not found", detail: "There is no booking with this id for the signed-in user.");
}
