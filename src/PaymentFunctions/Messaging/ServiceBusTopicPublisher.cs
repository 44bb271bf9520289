using System.Collections.Concurrent;
using Azure.Identity;
using Microsoft.Extensions.Options;
using PaymentFunctions.Clients.ServiceBus;

namespace PaymentFunctions.Messaging;

/// Publishes outbox messages to Azure Service Bus topics: CloudEvents body, deterministic MessageId (the
/// topic's duplicate detection drops resends), Subject = short event name, CorrelationId and SessionId =
/// booking id, and the event type as an application property for subscription filters.
public sealed class ServiceBusTopicPublisher(IOptions<MessagingOptions> options) : ITopicPublisher
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new();
    private readonly DefaultAzureCredential? _credential = options.Value.UsesConnectionString ? null : new DefaultAzureCredential();

    /// One REST send per message: the batch format has no per-message Content-Type, and the contract promises
    /// application/cloudevents+json. An event rarely produces more than one message, so little is lost.
    public async Task PublishAsync(string topic, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var sender = _senders.GetOrAdd(topic, CreateSender);
        foreach (var message in messages)
        {
            await sender.SendAsync(ToServiceBusMessage(message), cancellationToken);
        }
    }

    public static ServiceBusMessage ToServiceBusMessage(OutboxMessage message) => new()
    {
        Body = BinaryData.FromString(message.Body),
        MessageId = message.MessageId,
        Subject = message.Subject,
        CorrelationId = message.BookingId,
        SessionId = message.BookingId,
        ContentType = CloudEventEnvelope.ContentType,
        ApplicationProperties = { ["type"] = message.Type },
    };

    private ServiceBusSender CreateSender(string topic)
    {
        var settings = options.Value;
        return settings.UsesConnectionString
            ? new ServiceBusSender(settings.ConnectionString!, topic)
            : new ServiceBusSender(new Uri($"https://{settings.FullyQualifiedNamespace}/"), topic, _credential!);
    }
}
