namespace PaymentFunctions.Bookings;

public static class BookingFunctionsSetup
{
    /// The booking side's triggered work: the payment-events consumer and the hold-time expiry.
    public static IServiceCollection AddBookingFunctions(this IServiceCollection services)
    {
        services.AddSingleton<BookingUpdater>();
        services.AddSingleton<BookingExpiry>();
        return services;
    }
}
