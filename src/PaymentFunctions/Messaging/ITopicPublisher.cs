namespace PaymentFunctions.Messaging;

/// Publishes messages to a topic. Two real implementations: Azure Service Bus (AMQP, Azure.Messaging.ServiceBus) in Azure, and the
/// in-process transport for local development - which is why this interface exists.
/// Returning means the broker accepted every message; throwing means some may not have been accepted, and
/// the caller must keep them (they stay in the outbox) and try again later.
public interface ITopicPublisher
{
    /// Who releases (deletes) the outbox rows of accepted messages - decided here, read only by OutboxSender.
    /// false: the broker holds an accepted message durably, so the caller hands its rows to OutboxCleanup as soon
    /// as PublishAsync returns. true: the publisher is not durable itself (the in-process transport) and hands the
    /// rows to OutboxCleanup only once every subscription has settled the message; the caller must not.
    bool SettlesOutboxRows { get; }

    Task PublishAsync(string topic, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}
