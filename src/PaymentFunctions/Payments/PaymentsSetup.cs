using PaymentFunctions.Hosting;
using PaymentFunctions.Payments.Customers;

namespace PaymentFunctions.Payments;

public static class PaymentsSetup
{
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddSingleton<StripeCustomers>();
        services.AddSingleton<PaymentIntentIssuer>();
        services.AddSingleton<PaymentStatusReader>();
        services.AddIdempotencyKeys();
        return services;
    }
}
