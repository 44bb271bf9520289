using System.Collections.Concurrent;
using System.Threading.Channels;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging.Local;

/// Development stand-in for Service Bus topics, keeping the semantics the handlers rely on: duplicate
/// detection by MessageId, at-least-once delivery to every subscription, redelivery after a failed
/// invocation, and dead-lettering after MaxDeliveryCount attempts. It holds messages only in memory, so it
/// keeps the outbox promise through the outbox itself: a message's row stays until every subscription of its
/// topic has settled it (invocation succeeded, or dead-lettered - then the row becomes a dead-letter row in
/// the same transaction), each row it holds is in the pending-outbox index before its publisher hears "accepted", and
/// on start everything the index points at is sent again. Duplicate detection is
/// in memory only: after a restart a resend reaches the consumer, whose inbox drops it.
/// Refused outside Development and with live Stripe (Hosting/StandIns); only the standalone host subscribes to it (InProcessSetup).
public sealed partial class InProcessTransport(
    IEnumerable<InProcessSubscription> subscriptions,
    IServiceProvider services,
    PaymentTables tables,
    PendingOutbox pending,
    OutboxCleanup cleanup,
    MessagingMetrics metrics,
    TimeProvider time,
    ILogger<InProcessTransport> logger,
    InProcessTransportOptions options) : BackgroundService, ITopicPublisher
{
    private const int RecentlyKept = 256;
    private static readonly TimeSpan MaxResendRetryDelay = TimeSpan.FromSeconds(30);
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>();
    private readonly ConcurrentDictionary<(string Topic, string MessageId), InProcessSettlement> _seen = new();
    private readonly RecentCollection<DeadLetter> _deadLetters = new(RecentlyKept);
    private readonly RecentCollection<OutboxMessage> _published = new(RecentlyKept);
    private readonly TaskCompletionSource _outboxResent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// Completes once the start-up resend of the outbox has been handed to the subscriptions (or the host stopped).
    public Task OutboxResent => _outboxResent.Task;

    /// The last dead-lettered messages of this process, for tests; the durable record is the dead-letter row.
    public IReadOnlyCollection<DeadLetter> DeadLetters => _deadLetters;

    /// The last messages accepted (up to 256), in order, for inspection in development and tests.
    public IReadOnlyCollection<OutboxMessage> Published => _published;

    /// Memory is not durable: the outbox rows stay until the message is settled, and this transport releases them.
    public bool SettlesOutboxRows => true;

    public async Task PublishAsync(string topic, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var topicSubscriptions = subscriptions.Where(s => s.Topic == topic).ToList();
        messages = await IndexHeldRowsAsync(messages, topicSubscriptions.Count > 0, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var message in messages)
        {
            var fresh = new InProcessSettlement(now, topicSubscriptions.Count);
            var settlement = _seen.AddOrUpdate((topic, message.MessageId), fresh, (_, seen) => now - seen.FirstSeen < options.DuplicateDetectionWindow ? seen : fresh);
            var isNew = ReferenceEquals(settlement, fresh);
            if (isNew)
            {
                ForgetOutsideTheWindow(now);
                _published.Add(message);
            }

            if (!settlement.HoldUntilSettled(message.Row, message.Pending))
            {
                // Settled already (a topic no one here subscribes to, or a duplicate of a settled message): the row can go.
                await ReleaseAsync(message, message.Row is { } row ? [row] : [], message.Pending is { } entry ? [entry] : [], settlement.DeadLetters);
                continue;
            }

            // A duplicate of a message in flight is dropped here; its row is released when that one settles.
            if (isNew)
            {
                foreach (var subscription in topicSubscriptions)
                {
                    _deliveries.Writer.TryWrite(new Delivery(subscription, message, settlement, 1, now));
                }
            }
        }
    }

    // Like the broker, remember ids only for the duplicate-detection window, so a long dev session stays small.
    // A message still in flight keeps its settlement through its deliveries.
    private void ForgetOutsideTheWindow(DateTimeOffset now)
    {
        if (_seen.Count < 10_000)
        {
            return;
        }

        foreach (var (id, settlement) in _seen)
        {
            if (now - settlement.FirstSeen >= options.DuplicateDetectionWindow)
            {
                _seen.TryRemove(id, out _);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.MaxConcurrentCalls).Select(_ => Task.Run(() => PumpAsync(stoppingToken), stoppingToken)).ToList();
        try
        {
            await ResendOutboxAsync(stoppingToken);
        }
        finally
        {
            _outboxResent.TrySetResult();
        }

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
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is unsettled keeps its outbox row and is sent again at the next start.
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
                var deadLetter = new DeadLetter(delivery.Subscription.Topic, delivery.Subscription.Name, delivery.Message, ex.Message);
                _deadLetters.Add(deadLetter);
                metrics.DeadLettered(delivery.Subscription.Topic, delivery.Subscription.Name);
                logger.LogError(ex, "Dead-lettered message {MessageId} on {Topic}/{Subscription} after {Count} deliveries", delivery.Message.MessageId, delivery.Subscription.Topic, delivery.Subscription.Name, delivery.DeliveryCount);
                await SettleAsync(delivery, deadLetter);
                return;
            }

            logger.LogWarning("Delivery {Count} of message {MessageId} to {Subscription} failed; it will be redelivered: {Error}", delivery.DeliveryCount, delivery.Message.MessageId, delivery.Subscription.Name, ex.Message);
            _ = RedeliverLaterAsync(delivery with { DeliveryCount = delivery.DeliveryCount + 1 }, stoppingToken);
            return;
        }

        // The consumer committed its own inbox: this subscription has the message for good.
        await SettleAsync(delivery, deadLetter: null);
    }

    private async Task SettleAsync(Delivery delivery, DeadLetter? deadLetter)
    {
        if (delivery.Settlement.Settle(deadLetter) is { } settled)
        {
            await ReleaseAsync(delivery.Message, settled.Rows, settled.Entries, settled.DeadLetters);
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
            // Shutting down: the outbox row stays.
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

    private sealed record Delivery(InProcessSubscription Subscription, OutboxMessage Message, InProcessSettlement Settlement, int DeliveryCount, DateTimeOffset EnqueuedAt);

    public sealed record DeadLetter(string Topic, string Subscription, OutboxMessage Message, string Reason);
}

public sealed class InProcessTransportOptions
{
    public int MaxDeliveryCount { get; set; } = 10;

    public int MaxConcurrentCalls { get; set; } = 4;

    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(10);
}
