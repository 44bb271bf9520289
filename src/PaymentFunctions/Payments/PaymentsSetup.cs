using PaymentFunctions.Payments.Customers;
using PaymentFunctions.Payments.Refunds;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Payments;

public static class PaymentsSetup
{
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddSingleton<StripeCustomers>();
        services.AddSingleton<SavedCards>();
        services.AddOptions<IntentLimitOptions>().BindConfiguration(IntentLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IntentCallLimit>();
        services.AddSingleton<PaymentIntentIssuer>();
        services.AddSingleton<PaymentStatusReader>();
        services.AddSingleton<RefundIssuer>();
        services.AddSingleton<BookingCancellation>();
        services.AddSingleton<StaffRefunds>();
        services.AddOptions<ExpiryOptions>().BindConfiguration(ExpiryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BookingExpiry>();
        services.AddTelemetry();
        return services;
    }
}
