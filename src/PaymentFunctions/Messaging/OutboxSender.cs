using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// Sends the outbox rows one cause left behind; their deletion is OutboxCleanup's, off the request path. Safe to
/// run any number of times and concurrently: MessageIds are deterministic (the transport drops the resend) and a
/// row already deleted is simply gone.
public sealed class OutboxSender(
    PaymentTables tables, PendingOutbox pending, ITopicPublisher publisher, OutboxCleanup cleanup, MessagingMetrics metrics, FaultInjection faults, ILogger<OutboxSender> logger)
{
    private static readonly TimeSpan IndexTimeout = TimeSpan.FromSeconds(5);

    /// Finds what is still in the outbox for this cause (a redelivery) and sends it. <paramref name="entry"/>: the
    /// pending-outbox entry covering the cause, released with the rows (at once if none are left: the caller knows the
    /// cause was committed, so no rows can come later).
    public async Task<int> SendPendingAsync(string bookingId, string causationId, CancellationToken cancellationToken, PendingEntry? entry = null) =>
        await SendAsync(await OutboxRow.ReadAsync(tables, bookingId, causationId, cancellationToken), cancellationToken, entry);

    /// Sends rows the caller has just committed: the batch that wrote them was the cause's first, so they are all
    /// its outbox holds, and reading them back would only cost a round trip on the hot path.
    public async Task<int> SendAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken, PendingEntry? entry = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // Rows this process already handed to the clean-up were accepted; read again before their delete, they need no resend.
        rows = [.. rows.Where(r => !cleanup.IsReleased(new OutboxRowKey(r.PartitionKey, r.RowKey)))];
        foreach (var byTopic in rows.GroupBy(r => r.GetString("Topic")!))
        {
            List<OutboxMessage> messages = [.. byTopic.Select(r => OutboxRow.FromEntity(r, entry))];
            try
            {
                await publisher.PublishAsync(byTopic.Key, messages, cancellationToken);
            }
            catch (Exception ex)
            {
                metrics.Sent(byTopic.Key, messages.Count, ex);
                throw;
            }

            metrics.Sent(byTopic.Key, messages.Count);
        }

        faults.Reached(FaultInjection.OutboxAfterPublish);
        // A transport that settles rows itself releases them (and their entry) later; with no rows, the entry is done.
        if (!publisher.SettlesOutboxRows || rows.Count == 0)
        {
            cleanup.Release(rows.Select(r => new OutboxRowKey(r.PartitionKey, r.RowKey)), entry is null ? [] : [entry]);
        }

        if (rows.Count > 0)
        {
            logger.LogInformation("Sent {Count} outbox message(s) for booking {BookingId}: {MessageIds}", rows.Count, rows[0].PartitionKey, string.Join(", ", rows.Select(r => r.GetString("MessageId"))));
        }

        return rows.Count;
    }

    /// A cause with <see cref="OutboxRecovery.Redelivery"/> failed between its commit and the end of its send: its rows
    /// may be unsent. Its sender will redeliver it, but perhaps hours later (Stripe backs off) or never (a message
    /// dead-lettered after its last delivery), so the rows are indexed for the sweeper. Best effort, never throws: the
    /// caller rethrows its own failure, and without the entry the redelivery still sends the rows.
    public async Task IndexAfterFailureAsync(string bookingId, string causationId, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        // Not the caller's token: it may be the very deadline that failed the send.
        using var timeout = new CancellationTokenSource(IndexTimeout);
        try
        {
            await pending.MarkAsync(bookingId, causationId, timeout.Token);
            logger.LogWarning("Outbox rows of {CausationId} for booking {BookingId} may be unsent ({Error}); indexed for the outbox sweeper", causationId, bookingId, failure.Message);
        }
        catch (Exception ex)
        {
            logger.LogError("Outbox rows of {CausationId} for booking {BookingId} may be unsent ({Error}) and could not be indexed ({IndexError}); the cause's redelivery sends them", causationId, bookingId, failure.Message, ex.Message);
        }
    }
}
