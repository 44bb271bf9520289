namespace PaymentFunctions.Messaging;

/// Publishes messages to a topic. Two real implementations: Azure Service Bus (AMQP, Azure.Messaging.ServiceBus) in Azure, and the
/// in-process transport for local development - which is why this interface exists.
/// Returning means the broker accepted every message; throwing means some may not have been accepted, and
/// the caller must keep them (they stay in the outbox) and try again later.
public interface ITopicPublisher
{
    Task PublishAsync(string topic, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}
