using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// Sends the outbox rows one cause left behind; their deletion is OutboxCleanup's, off the request path. Safe to
/// run any number of times and concurrently: MessageIds are deterministic (the transport drops the resend) and a
/// row already deleted is simply gone.
public sealed class OutboxSender(PaymentTables tables, ITopicPublisher publisher, OutboxCleanup cleanup, FaultInjection faults, ILogger<OutboxSender> logger)
{
    /// Finds what is still in the outbox for this cause (a redelivery, a sweep) and sends it.
    public async Task<int> SendPendingAsync(string bookingId, string causationId, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        var filter = KeyFilters.InPartitionStartingWith(bookingId, RowKeys.OutboxFor(causationId));
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return await SendAsync(rows, cancellationToken);
    }

    /// Sends rows the caller has just committed: the batch that wrote them was the cause's first, so they are all
    /// its outbox holds, and reading them back would only cost a round trip on the hot path.
    public async Task<int> SendAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var byTopic in rows.GroupBy(r => r.GetString("Topic")!))
        {
            await publisher.PublishAsync(byTopic.Key, [.. byTopic.Select(OutboxRow.FromEntity)], cancellationToken);
        }

        faults.Reached(FaultInjection.OutboxAfterPublish);
        if (!publisher.SettlesOutboxRows)
        {
            cleanup.Release(rows.Select(r => new OutboxRowKey(r.PartitionKey, r.RowKey)));
        }

        if (rows.Count > 0)
        {
            logger.LogInformation("Sent {Count} outbox message(s) for booking {BookingId}: {MessageIds}", rows.Count, rows[0].PartitionKey, string.Join(", ", rows.Select(r => r.GetString("MessageId"))));
        }

        return rows.Count;
    }
}
