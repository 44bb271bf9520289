using PaymentFunctions.Storage;
using PaymentFunctions.Bookings;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Hosting;

/// The app's services, one registration for both modes (under the Functions host and standalone).
public static class PaymentFunctionsSetup
{
    public static IServiceCollection AddPaymentFunctions(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddHosting();
        services.AddProblemDetailsResponses();
        services.AddStorage();
        services.AddStripe();
        services.AddMessaging(configuration);
        services.AddSpaAuth(configuration, environment);
        services.AddBookings();
        services.AddBookingFunctions();
        services.AddPayments();
        services.AddWebhooks();
        return services;
    }
}
