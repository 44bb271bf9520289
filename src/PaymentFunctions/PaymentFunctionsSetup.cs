using PaymentFunctions.Bookings;
using PaymentFunctions.Hosting;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Messaging.Local;
using PaymentFunctions.Operations;
using PaymentFunctions.Payments;
using PaymentFunctions.Payments.Checkout;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Retention;
using PaymentFunctions.Storage;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions;

/// The composition root: the app's services, one registration for both modes (under the Functions host and
/// standalone). The only file besides Program.cs that knows every folder.
public static class PaymentFunctionsSetup
{
    public static IServiceCollection AddPaymentFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetailsResponses();
        services.AddStorage();
        services.AddStripe();
        services.AddMessaging(configuration);
        services.AddInProcessTransport(configuration);
        services.AddSpaAuth();
        services.AddIdempotencyKeys();
        services.AddBookings();
        services.AddPayments();
        services.AddCheckout();
        services.AddWebhooks();
        services.AddRetention();
        services.AddOperations();
        services.RefuseStandInsWhereLive();
        return services;
    }
}
