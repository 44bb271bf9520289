namespace PaymentFunctions.Bookings;

// STUB - replaced by the bookings HTTP work (issue 3).
public static class BookingEndpoints
{
    public static IServiceCollection AddBookings(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapBookings(this IEndpointRouteBuilder app) => app;
}
