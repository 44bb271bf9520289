using PaymentFunctions.Hosting;

namespace PaymentFunctions.Bookings;

public static class BookingFunctionsSetup
{
    /// The booking side's triggered work: the payment-events consumer and the hold-time expiry.
    public static IServiceCollection AddBookingFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<BookingUpdater>();
        services.AddSingleton<BookingPaymentEventsFunction>();
        services.AddSingleton<BookingExpiry>();

        var timers = configuration.GetSection("Timers").Get<TimerOptions>() ?? new TimerOptions();
        if (timers.RunLocally)
        {
            services.AddSingleton(timers);
            services.AddHostedService<LocalTimers>();
        }

        return services;
    }
}
