using System.Collections.Concurrent;
using System.Threading.Channels;

namespace PaymentFunctions.Messaging;

/// Development stand-in for Service Bus topics, keeping the semantics the handlers rely on: duplicate
/// detection by MessageId, at-least-once delivery to every subscription, redelivery after a failed
/// invocation, and dead-lettering after MaxDeliveryCount attempts. Not durable: a restart loses messages in
/// flight, which is why the app refuses it in Production and with live Stripe; and only the standalone host
/// subscribes to it, so under the Functions host it is refused too (MessagingSetup).
public sealed class InProcessTransport(
    IEnumerable<InProcessSubscription> subscriptions,
    IServiceProvider services,
    TimeProvider time,
    ILogger<InProcessTransport> logger,
    InProcessTransportOptions options) : BackgroundService, ITopicPublisher
{
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>();
    private readonly ConcurrentDictionary<(string Topic, string MessageId), DateTimeOffset> _seen = new();
    private readonly ConcurrentQueue<DeadLetter> _deadLetters = new();
    private readonly ConcurrentQueue<OutboxMessage> _published = new();

    public IReadOnlyCollection<DeadLetter> DeadLetters => _deadLetters;

    /// Every message accepted, in order, for inspection in development and tests.
    public IReadOnlyCollection<OutboxMessage> Published => _published;

    public Task PublishAsync(string topic, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var message in messages)
        {
            if (_seen.TryGetValue((topic, message.MessageId), out var firstSeen) && now - firstSeen < options.DuplicateDetectionWindow)
            {
                continue;
            }

            _seen[(topic, message.MessageId)] = now;
            ForgetOutsideTheWindow(now);
            _published.Enqueue(message);
            foreach (var subscription in subscriptions.Where(s => s.Topic == topic))
            {
                _deliveries.Writer.TryWrite(new Delivery(subscription, message, 1, now));
            }
        }

        return Task.CompletedTask;
    }

    // Like the broker, remember ids only for the duplicate-detection window, so a long dev session stays small.
    private void ForgetOutsideTheWindow(DateTimeOffset now)
    {
        if (_seen.Count < 10_000)
        {
            return;
        }

        foreach (var (id, seenAt) in _seen)
        {
            if (now - seenAt >= options.DuplicateDetectionWindow)
            {
                _seen.TryRemove(id, out _);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.MaxConcurrentCalls).Select(_ => Task.Run(() => PumpAsync(stoppingToken), stoppingToken));
        await Task.WhenAll(workers);
    }

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _deliveries.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(delivery, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: undelivered messages are lost, as documented for this development transport.
        }
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            await delivery.Subscription.Invoke(services, System.Text.Encoding.UTF8.GetBytes(delivery.Message.Body), BindingData(delivery), stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            if (delivery.DeliveryCount >= options.MaxDeliveryCount)
            {
                _deadLetters.Enqueue(new DeadLetter(delivery.Subscription.Topic, delivery.Subscription.Name, delivery.Message, ex.Message));
                logger.LogError(ex, "Dead-lettered message {MessageId} on {Topic}/{Subscription} after {Count} deliveries", delivery.Message.MessageId, delivery.Subscription.Topic, delivery.Subscription.Name, delivery.DeliveryCount);
                return;
            }

            logger.LogWarning("Delivery {Count} of message {MessageId} to {Subscription} failed; it will be redelivered: {Error}", delivery.DeliveryCount, delivery.Message.MessageId, delivery.Subscription.Name, ex.Message);
            _ = RedeliverLaterAsync(delivery with { DeliveryCount = delivery.DeliveryCount + 1 }, stoppingToken);
        }
    }

    private async Task RedeliverLaterAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.RedeliveryDelay, time, stoppingToken);
            _deliveries.Writer.TryWrite(delivery);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static IReadOnlyDictionary<string, object?> BindingData(Delivery delivery) => new ServiceBusDelivery(
        delivery.Message.MessageId,
        delivery.DeliveryCount,
        SessionId: delivery.Message.BookingId,
        CorrelationId: delivery.Message.BookingId,
        delivery.Message.Subject,
        CloudEventEnvelope.ContentType,
        delivery.EnqueuedAt,
        new Dictionary<string, string> { ["type"] = delivery.Message.Type }).ToBindingData();

    private sealed record Delivery(InProcessSubscription Subscription, OutboxMessage Message, int DeliveryCount, DateTimeOffset EnqueuedAt);

    public sealed record DeadLetter(string Topic, string Subscription, OutboxMessage Message, string Reason);
}

public sealed class InProcessTransportOptions
{
    public int MaxDeliveryCount { get; set; } = 10;

    public int MaxConcurrentCalls { get; set; } = 4;

    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(10);
}
