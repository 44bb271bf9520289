using PaymentFunctions.Messaging;

namespace PaymentFunctions.Bench.Ingest;

/// Stands in for the transport in the ingest-only run: the broker "accepts" every message and nothing consumes
/// it, so the run measures the webhook path alone while still counting what it published.
internal sealed class CountingPublisher : ITopicPublisher
{
    private long _messages;

    public long Messages => Interlocked.Read(ref _messages);

    /// Like Service Bus, "accepted" is final: the sender hands the rows to OutboxCleanup.
    public bool SettlesOutboxRows => false;

    public Task PublishAsync(string topic, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _messages, messages.Count);
        return Task.CompletedTask;
    }
}
