using Microsoft.Extensions.Options;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Messaging;

public static class MessagingSetup
{
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateDataAnnotations()
            .Validate<IHostEnvironment, IConfiguration>((o, env, config) => StandIns.AllowedIn(env, config) || !o.IsInProcess, StandIns.Refused("ServiceBus:Transport=InProcess"))
            // Only the standalone host subscribes its Service Bus functions to the in-process transport. Under the
            // Functions host their trigger reads Azure Service Bus, so messages published in-process would have
            // their outbox rows deleted and reach no one.
            .Validate<IEnumerable<InProcessSubscription>>(
                (o, subscriptions) => !o.IsInProcess || subscriptions.Any(),
                "ServiceBus:Transport=InProcess works only in the standalone host: under the Functions host nothing receives what it publishes; use ServiceBus:Transport=ServiceBus.")
            .ValidateOnStart();
        services.AddSingleton<OutboxSender>();
        // Registered before the transport, so it stops after it and drains what the transport settled last.
        services.AddSingleton<OutboxCleanup>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxCleanup>());
        services.AddSingleton<OutboxSweeper>();

        // The transport is chosen from configuration at registration time: a hosted service cannot be added later.
        if (configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>()?.IsInProcess == true)
        {
            services.AddSingleton(configuration.GetSection("ServiceBus:InProcess").Get<InProcessTransportOptions>() ?? new InProcessTransportOptions());
            // Its subscribers are the Service Bus-triggered functions, registered by the standalone host.
            services.AddSingleton<InProcessTransport>();
            services.AddSingleton<ITopicPublisher>(sp => sp.GetRequiredService<InProcessTransport>());
            services.AddHostedService(sp => sp.GetRequiredService<InProcessTransport>());
        }
        else
        {
            // Singletons the container disposes with the host: the publisher first (its senders), then the client.
            services.AddSingleton(sp => ServiceBusClientFactory.Create(sp.GetRequiredService<IOptions<MessagingOptions>>().Value));
            services.AddSingleton<ITopicPublisher, ServiceBusTopicPublisher>();
        }

        return services;
    }
}
