using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace PaymentFunctions.Messaging;

/// Publishes outbox messages to Azure Service Bus topics: CloudEvents body, deterministic MessageId (the
/// topic's duplicate detection drops resends), Subject = short event name, CorrelationId and SessionId =
/// booking id, and the event type as an application property for subscription filters.
public sealed class ServiceBusTopicPublisher(ServiceBusClient client) : ITopicPublisher, IAsyncDisposable
{
    // Senders are thread-safe and own an AMQP link each; one per topic for the life of the app, as the SDK advises.
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new();

    /// Service Bus stores what it accepted: the outbox rows can go once PublishAsync returns.
    public bool SettlesOutboxRows => false;

    /// The messages of one call go out in as few batches as the broker's size limit allows, usually one: one
    /// round trip instead of one per message. If a later batch fails, the earlier ones were sent; the caller keeps
    /// every row and resends them all, and duplicate detection drops what had arrived.
    public async Task PublishAsync(string topic, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var sender = _senders.GetOrAdd(topic, client.CreateSender);
        var batch = await sender.CreateMessageBatchAsync(cancellationToken);
        try
        {
            foreach (var message in messages)
            {
                var serviceBusMessage = ToServiceBusMessage(message);
                if (batch.TryAddMessage(serviceBusMessage))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw TooLarge(topic, message, batch.MaxSizeInBytes);
                }

                await sender.SendMessagesAsync(batch, cancellationToken);
                batch.Dispose();
                batch = await sender.CreateMessageBatchAsync(cancellationToken);
                if (!batch.TryAddMessage(serviceBusMessage))
                {
                    throw TooLarge(topic, message, batch.MaxSizeInBytes);
                }
            }

            await sender.SendMessagesAsync(batch, cancellationToken);
        }
        finally
        {
            batch.Dispose();
        }
    }

    private static ServiceBusMessage ToServiceBusMessage(OutboxMessage message) => new(BinaryData.FromString(message.Body))
    {
        MessageId = message.MessageId,
        Subject = message.Subject,
        CorrelationId = message.BookingId,
        SessionId = message.BookingId,
        ContentType = CloudEventEnvelope.ContentType,
        ApplicationProperties = { ["type"] = message.Type },
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values)
        {
            await sender.DisposeAsync();
        }
    }

    // Not transient: resending cannot help. The row stays in the outbox and every sweep logs this again, which is
    // what should make a person look (an event this large means a bug in what we put into it).
    private static ServiceBusException TooLarge(string topic, OutboxMessage message, long maxBytes) => new(
        isTransient: false,
        $"Outbox message {message.MessageId} ({message.Type}) does not fit in an empty Service Bus batch of at most {maxBytes} bytes; it stays in the outbox.",
        topic,
        ServiceBusFailureReason.MessageSizeExceeded);
}
