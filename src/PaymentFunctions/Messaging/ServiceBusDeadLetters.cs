using System.Globalization;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// A subscription's dead-letter sub-queue in Azure Service Bus (SubQueue.DeadLetter). Listing peeks (no lock, nothing
/// changes), a page from a sequence number on. A requeue takes the message by its sequence number: Service Bus cannot
/// receive one message by id, so it receives from the head of the sub-queue under a lock until it holds that one (at
/// most <see cref="ScanLimit"/>, the others abandoned untouched), resends it to the topic through the app's own
/// publisher with its own MessageId, then completes it. A process that dies between the two leaves it in the
/// sub-queue with its copy sent: the requeue's retry sends it again (dropped by duplicate detection, or by the
/// consumer's inbox) and completes it. So it is never lost, and applied at most once.
public sealed class ServiceBusDeadLetters(
    ServiceBusClient client, ITopicPublisher publisher, FaultInjection faults, IOptions<MessagingOptions> options, TimeProvider time, ILogger<ServiceBusDeadLetters> logger) : IDeadLetters
{
    /// Messages a requeue locks at most while it looks for its one: drained oldest first, it is at the head.
    public const int ScanLimit = 500;
    private const int ReceiveBatch = 50;
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(2);

    public bool NeedsSequenceNumber => true;

    public async Task<ListPage<DeadLetter>?> ListAsync(DeadLetterSource source, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        long from = 0;
        if (cursor is not null && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out from))
        {
            return null;
        }

        await using var receiver = Receiver(source);
        var peeked = await receiver.PeekMessagesAsync(pageSize, from, cancellationToken);
        var next = peeked.Count == pageSize ? (peeked[^1].SequenceNumber + 1).ToString(CultureInfo.InvariantCulture) : null;
        return new ListPage<DeadLetter>([.. peeked.Select(View)], next);
    }

    public async Task<DeadLetter?> FindAsync(DeadLetterSource source, string messageId, long? sequenceNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (sequenceNumber is not { } number)
        {
            return null;
        }

        await using var receiver = Receiver(source);
        // The first message at or after the number: it is ours only if it has exactly that number and our MessageId.
        var peeked = await receiver.PeekMessageAsync(number, cancellationToken);
        return peeked is not null && peeked.SequenceNumber == number && peeked.MessageId == messageId ? View(peeked) : null;
    }

    public async Task<RequeueResult> RequeueAsync(DeadLetterSource source, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(deadLetter);
        var number = deadLetter.SequenceNumber ?? throw new ArgumentException("A Service Bus dead letter has a sequence number.", nameof(deadLetter));
        var remembered = (deadLetter.EnqueuedAt ?? throw new ArgumentException("A Service Bus dead letter has an enqueued time.", nameof(deadLetter))) + options.Value.DuplicateDetectionWindow;
        if (remembered > time.GetUtcNow())
        {
            return new RequeueResult(RequeueOutcome.TooSoon, remembered);
        }

        await using var receiver = Receiver(source);
        var (target, others) = await LockAsync(receiver, number, cancellationToken);
        if (target is null)
        {
            await AbandonAsync(receiver, others);
            // Still there when peeked again: someone else holds it, or it lies past the scan.
            var still = await receiver.PeekMessageAsync(number, cancellationToken);
            return new RequeueResult(still?.SequenceNumber == number ? RequeueOutcome.Busy : RequeueOutcome.Gone);
        }

        try
        {
            await publisher.PublishAsync(source.Topic, [AsOutboxMessage(source, target)], cancellationToken);
            faults.Reached(FaultInjection.RequeueAfterSend);
            await receiver.CompleteMessageAsync(target, cancellationToken);
        }
        catch
        {
            // Not completed: it stays a dead letter, at once available to the retry.
            others.Add(target);
            throw;
        }
        finally
        {
            await AbandonAsync(receiver, others);
        }

        logger.LogWarning("Dead-lettered message {MessageId} (sequence number {SequenceNumber}) of {Topic}/{Subscription} was sent back to its topic", target.MessageId, number, source.Topic, source.Subscription);
        return new RequeueResult(RequeueOutcome.Requeued);
    }

    // Their locks would lapse on their own (the subscription's lock duration); handed back now, they are at once
    // available to others. A failed abandon only leaves a lock to lapse.
    private async Task AbandonAsync(ServiceBusReceiver receiver, List<ServiceBusReceivedMessage> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
            }
            catch (ServiceBusException ex)
            {
                logger.LogWarning("Could not hand back dead letter {SequenceNumber}; its lock lapses on its own: {Error}", message.SequenceNumber, ex.Message);
            }
        }
    }

    /// Receives (peek-lock) from the head until the message with this number is held, keeping the others locked
    /// meanwhile so that the next receive returns new ones.
    private static async Task<(ServiceBusReceivedMessage? Target, List<ServiceBusReceivedMessage> Others)> LockAsync(ServiceBusReceiver receiver, long number, CancellationToken cancellationToken)
    {
        var others = new List<ServiceBusReceivedMessage>();
        while (others.Count < ScanLimit)
        {
            var received = await receiver.ReceiveMessagesAsync(Math.Min(ReceiveBatch, ScanLimit - others.Count), ReceiveWait, cancellationToken);
            if (received.Count == 0)
            {
                break;
            }

            var target = received.FirstOrDefault(m => m.SequenceNumber == number);
            others.AddRange(received.Where(m => !ReferenceEquals(m, target)));
            if (target is not null)
            {
                return (target, others);
            }
        }

        return (null, others);
    }

    /// The message as the app published it (ServiceBusTopicPublisher), so the copy carries the same properties.
    private static OutboxMessage AsOutboxMessage(DeadLetterSource source, ServiceBusReceivedMessage message) => new(
        source.Topic,
        message.MessageId,
        message.ApplicationProperties.TryGetValue("type", out var type) && type is string text ? text : throw NotOurs(message),
        message.Subject ?? throw NotOurs(message),
        message.CorrelationId ?? throw NotOurs(message),
        message.Body.ToString());

    private static InvalidOperationException NotOurs(ServiceBusReceivedMessage message) =>
        new($"Dead-lettered message {message.MessageId} lacks the type, subject or correlation id the app's publisher sets; it was not requeued.");

    private static DeadLetter View(ServiceBusReceivedMessage message) => new(
        message.MessageId,
        message.CorrelationId,
        message.ApplicationProperties.TryGetValue("type", out var type) ? type as string : null,
        message.Subject,
        message.DeadLetterReason,
        message.DeadLetterErrorDescription,
        message.EnqueuedTime,
        DeadLetteredAt: null,
        message.SequenceNumber,
        message.DeliveryCount);

    private ServiceBusReceiver Receiver(DeadLetterSource source) =>
        client.CreateReceiver(source.Topic, source.Subscription, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock });
}
