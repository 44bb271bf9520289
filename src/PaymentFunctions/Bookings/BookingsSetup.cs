using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Bookings.Domain;

namespace PaymentFunctions.Bookings;

public static class BookingsSetup
{
    public static IServiceCollection AddBookings(this IServiceCollection services)
    {
        services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Catalog>();
        services.AddSingleton<BookingIds>();
        services.AddSingleton<OpenBookingLimit>();
        services.AddSingleton<BookingService>();
        services.AddSingleton<BookingUpdater>();
        services.AddSingleton<PaymentEventConsumer>();
        return services;
    }

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Booking not found", detail: "There is no booking with this id for the signed-in user.");
}
