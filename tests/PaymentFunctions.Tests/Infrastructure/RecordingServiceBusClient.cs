using Azure.Messaging.ServiceBus;

namespace PaymentFunctions.Tests.Infrastructure;

/// A ServiceBusClient double at the SDK's own boundary (no AMQP broker runs on these machines): the SDK's
/// protected constructor for mocking, its virtual CreateSender, and senders that record every batch they are
/// asked to send, as the SDK's ServiceBusMessage objects the app built. Batches come from the SDK's
/// ServiceBusModelFactory with a size limit the test controls (body bytes only: a real batch also counts
/// AMQP overhead). Register it in place of the app's client; the container never disposes an instance it
/// was given, so the test reads it after the host stopped.
public sealed class RecordingServiceBusClient : ServiceBusClient
{
    private readonly Lock _lock = new();
    private readonly List<SentBatch> _batches = [];
    private readonly List<string> _sendersCreated = [];
    private readonly Dictionary<string, DeadLetterSubQueueDouble> _deadLetters = [];
    private int _failuresLeft;
    private bool _closed;

    /// The broker's batch limit, in body bytes. 256 KiB is the Standard tier's message size.
    public long MaxBatchBytes { get; set; } = 256 * 1024;

    public override string FullyQualifiedNamespace => "recording.servicebus.test";

    public override bool IsClosed => _closed;

    /// Every batch the broker accepted, in order, duplicates included.
    public IReadOnlyList<SentBatch> Batches { get { lock (_lock) { return [.. _batches]; } } }

    /// The topic of every sender created, in order: the app should create one per topic and keep it.
    public IReadOnlyList<string> SendersCreated { get { lock (_lock) { return [.. _sendersCreated]; } } }

    /// Messages the broker accepted, duplicates included (a resend after a crash arrives twice).
    public int Received => Batches.Sum(b => b.Messages.Count);

    /// What a topic with duplicate detection keeps: the first message of each MessageId, in arrival order.
    public IReadOnlyList<ServiceBusMessage> Messages(string topic) =>
        [.. Batches.Where(b => b.Topic == topic).SelectMany(b => b.Messages).DistinctBy(m => m.MessageId)];

    /// What a topic kept about one booking (CorrelationId): a test's own share of a client other tests send through too.
    public IReadOnlyList<ServiceBusMessage> Messages(string topic, string bookingId) =>
        [.. Messages(topic).Where(m => m.CorrelationId == bookingId)];

    /// Every message sent about one booking, on any topic, duplicates included.
    public IReadOnlyList<ServiceBusMessage> SentFor(string bookingId) =>
        [.. Batches.SelectMany(b => b.Messages).Where(m => m.CorrelationId == bookingId)];

    /// Every message a Stripe event caused (its MessageId is "{event id}:{event type}"), duplicates included.
    public IReadOnlyList<ServiceBusMessage> SentFromEvent(string stripeEventId) =>
        [.. Batches.SelectMany(b => b.Messages).Where(m => m.MessageId?.StartsWith(stripeEventId + ":", StringComparison.Ordinal) == true)];

    /// The next <paramref name="count"/> sends fail as a busy broker fails them, once the SDK's own retries gave up.
    public void FailNext(int count)
    {
        lock (_lock)
        {
            _failuresLeft = count;
        }
    }

    /// The broker recovers.
    public void ClearFaults() => FailNext(0);

    public override ServiceBusSender CreateSender(string queueOrTopicName)
    {
        lock (_lock)
        {
            _sendersCreated.Add(queueOrTopicName);
        }

        return new RecordingServiceBusSender(this, queueOrTopicName);
    }

    public override ServiceBusSender CreateSender(string queueOrTopicName, ServiceBusSenderOptions options) => CreateSender(queueOrTopicName);

    /// Each subscription's dead-letter sub-queue ("{topic}/Subscriptions/{subscription}/$deadletterqueue").
    public DeadLetterSubQueueDouble DeadLetters(string topic, string subscription)
    {
        lock (_lock)
        {
            var path = $"{topic}/Subscriptions/{subscription}/$deadletterqueue";
            return _deadLetters.TryGetValue(path, out var queue) ? queue : _deadLetters[path] = new DeadLetterSubQueueDouble();
        }
    }

    /// Only the dead-letter sub-queue is modelled: the app receives nothing else itself (the Functions host's trigger does).
    public override ServiceBusReceiver CreateReceiver(string topicName, string subscriptionName, ServiceBusReceiverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SubQueue == SubQueue.DeadLetter && options.ReceiveMode == ServiceBusReceiveMode.PeekLock
            ? new DeadLetterSubQueueReceiver(DeadLetters(topicName, subscriptionName), $"{topicName}/Subscriptions/{subscriptionName}/$deadletterqueue")
            : throw new NotSupportedException("The recording client models a subscription's dead-letter sub-queue in peek-lock mode only.");
    }

#pragma warning disable CA2215 // Built by the SDK's mocking constructor, the base has no connection to close.
    public override ValueTask DisposeAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }
#pragma warning restore CA2215

    internal void Accept(string topic, IReadOnlyList<ServiceBusMessage> messages)
    {
        lock (_lock)
        {
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                throw new ServiceBusException(isTransient: true, "The test broker is busy.", topic, ServiceBusFailureReason.ServiceBusy);
            }

            _batches.Add(new SentBatch(topic, messages));
        }
    }
}

public sealed record SentBatch(string Topic, IReadOnlyList<ServiceBusMessage> Messages);
