using Azure.Messaging.ServiceBus;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Tests.Infrastructure;

/// A subscription's dead-letter sub-queue as Service Bus keeps it, behind the SDK's own ServiceBusReceiver type (its
/// mocking constructor, its virtual methods): messages in sequence-number order; a peek locks nothing; a receive
/// (peek-lock) locks what it returns, for that receiver alone; complete removes a message its receiver holds; abandon
/// hands it back. Messages are the SDK's, from ServiceBusModelFactory. What a real namespace adds (lock expiry, AMQP
/// links, partitioned sequence numbers) is not here.
public sealed class DeadLetterSubQueueDouble
{
    private readonly Lock _lock = new();
    private readonly List<ServiceBusReceivedMessage> _messages = [];
    private readonly Dictionary<long, object> _lockedBy = [];
    private readonly List<long> _completed = [];
    private int _abandoned;

    public IReadOnlyList<ServiceBusReceivedMessage> Messages { get { lock (_lock) { return [.. _messages]; } } }

    public IReadOnlyList<long> Completed { get { lock (_lock) { return [.. _completed]; } } }

    public int Abandoned { get { lock (_lock) { return _abandoned; } } }

    public int Locked { get { lock (_lock) { return _lockedBy.Count; } } }

    /// The message as ServiceBusTopicPublisher sent it, dead-lettered by the broker after 10 deliveries.
    public ServiceBusReceivedMessage Add(OutboxMessage message, long sequenceNumber, DateTimeOffset enqueued)
    {
        ArgumentNullException.ThrowIfNull(message);
        var received = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(message.Body),
            messageId: message.MessageId,
            sessionId: message.BookingId,
            correlationId: message.BookingId,
            subject: message.Subject,
            contentType: CloudEventEnvelope.ContentType,
            properties: new Dictionary<string, object> { ["type"] = message.Type, ["DeadLetterReason"] = "MaxDeliveryCountExceeded", ["DeadLetterErrorDescription"] = "Message could not be consumed after 10 delivery attempts." },
            deliveryCount: 10,
            sequenceNumber: sequenceNumber,
            enqueuedTime: enqueued);
        Add(received);
        return received;
    }

    public void Add(ServiceBusReceivedMessage message)
    {
        lock (_lock)
        {
            _messages.Add(message);
            _messages.Sort((a, b) => a.SequenceNumber.CompareTo(b.SequenceNumber));
        }
    }

    /// Another receiver (another operator's requeue, a tool) holds this message locked.
    public void LockElsewhere(long sequenceNumber)
    {
        lock (_lock)
        {
            _lockedBy[sequenceNumber] = new object();
        }
    }

    internal IReadOnlyList<ServiceBusReceivedMessage> Peek(long from, int max)
    {
        lock (_lock)
        {
            return [.. _messages.Where(m => m.SequenceNumber >= from).Take(max)];
        }
    }

    internal IReadOnlyList<ServiceBusReceivedMessage> Receive(object receiver, int max)
    {
        lock (_lock)
        {
            var free = _messages.Where(m => !_lockedBy.ContainsKey(m.SequenceNumber)).Take(max).ToList();
            free.ForEach(m => _lockedBy[m.SequenceNumber] = receiver);
            return free;
        }
    }

    internal void Complete(object receiver, ServiceBusReceivedMessage message)
    {
        lock (_lock)
        {
            Release(receiver, message);
            _messages.RemoveAll(m => m.SequenceNumber == message.SequenceNumber);
            _completed.Add(message.SequenceNumber);
        }
    }

    internal void Abandon(object receiver, ServiceBusReceivedMessage message)
    {
        lock (_lock)
        {
            Release(receiver, message);
            _abandoned++;
        }
    }

    // The broker refuses to settle a message the receiver does not hold (MessageLockLost).
    private void Release(object receiver, ServiceBusReceivedMessage message)
    {
        if (!_lockedBy.TryGetValue(message.SequenceNumber, out var holder) || !ReferenceEquals(holder, receiver))
        {
            throw new ServiceBusException("The lock supplied is invalid.", ServiceBusFailureReason.MessageLockLost);
        }

        _lockedBy.Remove(message.SequenceNumber);
    }
}

/// The receiver half of <see cref="DeadLetterSubQueueDouble"/>, as RecordingServiceBusClient.CreateReceiver hands it out.
internal sealed class DeadLetterSubQueueReceiver(DeadLetterSubQueueDouble queue, string entityPath) : ServiceBusReceiver
{
    private bool _closed;

    public override string EntityPath => entityPath;

    public override bool IsClosed => _closed;

    public override ServiceBusReceiveMode ReceiveMode => ServiceBusReceiveMode.PeekLock;

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(queue.Peek(fromSequenceNumber ?? throw new NotSupportedException("Peek from the receiver's last position is not modelled: pass a sequence number."), maxMessages));

    public override async Task<ServiceBusReceivedMessage?> PeekMessageAsync(long? fromSequenceNumber = null, CancellationToken cancellationToken = default) =>
        await PeekMessagesAsync(1, fromSequenceNumber, cancellationToken) is [var first, ..] ? first : null;

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(queue.Receive(this, maxMessages));

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        queue.Complete(this, message);
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        queue.Abandon(this, message);
        return Task.CompletedTask;
    }

    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        _closed = true;
        return Task.CompletedTask;
    }

#pragma warning disable CA2215 // Built by the SDK's mocking constructor, the base has no connection to close.
    public override ValueTask DisposeAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }
#pragma warning restore CA2215
}
