namespace PaymentFunctions.Messaging.Local;

public static class InProcessSetup
{
    /// The development transport, only with ServiceBus:Transport=InProcess (Hosting/StandIns refuses it where live).
    public static IServiceCollection AddInProcessTransport(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>()?.IsInProcess != true)
        {
            return services;
        }

        // Only the standalone host subscribes its Service Bus functions to the in-process transport. Under the
        // Functions host their trigger reads Azure Service Bus, so messages published in-process would have
        // their outbox rows deleted and reach no one.
        services.AddOptions<MessagingOptions>()
            .Validate<IEnumerable<InProcessSubscription>>(
                (_, subscriptions) => subscriptions.Any(),
                "ServiceBus:Transport=InProcess works only in the standalone host: under the Functions host nothing receives what it publishes; use ServiceBus:Transport=ServiceBus.")
            .ValidateOnStart();
        services.AddSingleton(configuration.GetSection("ServiceBus:InProcess").Get<InProcessTransportOptions>() ?? new InProcessTransportOptions());
        // Its subscribers are the Service Bus-triggered functions, registered by the standalone host.
        services.AddSingleton<InProcessTransport>();
        services.AddSingleton<ITopicPublisher>(sp => sp.GetRequiredService<InProcessTransport>());
        services.AddHostedService(sp => sp.GetRequiredService<InProcessTransport>());
        services.AddSingleton<IDeadLetters, LocalDeadLetters>();
        return services;
    }
}
