using Microsoft.Extensions.Options;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Webhooks;

public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            return new StripeSignatureVerifier(options.WebhookSecrets, TimeSpan.FromSeconds(options.WebhookToleranceSeconds), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<BookingResolver>();
        services.AddSingleton<WebhookProcessor>();
        services.AddSingleton<WebhookAdmission>();
        services.AddSingleton<SignedEventReader>();
        services.AddTelemetry();
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<WebhookReceiver>();
        services.AddOptions<StripeReconciliationOptions>().BindConfiguration(StripeReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StripeReconciliation>();
        return services;
    }
}
