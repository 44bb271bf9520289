using Microsoft.Extensions.Options;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Messaging;

public static class MessagingSetup
{
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTelemetry();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<OutboxSender>();
        // Registered before the transport, so it stops after it and drains what the transport settled last.
        services.AddSingleton<OutboxCleanup>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxCleanup>());
        services.AddSingleton<OutboxSweeper>();
        services.AddSingleton<OutboxBacklog>();

        // The transport is chosen from configuration at registration time (a hosted service cannot be added later);
        // the in-process one registers itself (Messaging/Local).
        if (configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>()?.IsInProcess != true)
        {
            // Singletons the container disposes with the host: the publisher first (its senders), then the client.
            services.AddSingleton(sp => ServiceBusClientFactory.Create(sp.GetRequiredService<IOptions<MessagingOptions>>().Value));
            services.AddSingleton<ITopicPublisher, ServiceBusTopicPublisher>();
            services.AddSingleton<IDeadLetters, ServiceBusDeadLetters>();
        }

        return services;
    }
}
