using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Messaging;

/// Sends the outbox rows one cause left behind, then deletes them. Safe to run any number of times and
/// concurrently: MessageIds are deterministic (Service Bus drops the resend) and a row already deleted by
/// another sender is simply gone.
public sealed class OutboxSender(PaymentTables tables, ITopicPublisher publisher, FaultInjection faults, ILogger<OutboxSender> logger)
{
    public async Task<int> SendPendingAsync(string bookingId, string causationId, CancellationToken cancellationToken)
    {
        var prefix = OutboxRow.RowKeyPrefixFor(causationId);
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Bookings.QueryAsync(TableOData.PartitionKeyEquals(bookingId) + " and " + TableOData.RowKeyStartsWith(prefix), ct: cancellationToken))
        {
            rows.Add(row);
        }

        foreach (var byTopic in rows.GroupBy(r => r.GetString("Topic")!))
        {
            await publisher.PublishAsync(byTopic.Key, [.. byTopic.Select(OutboxRow.FromEntity)], cancellationToken);
        }

        faults.Reached(FaultInjection.OutboxAfterPublish);
        foreach (var row in rows)
        {
            // Deleting is only housekeeping: if this fails the row is sent again later and de-duplicated.
            await tables.Bookings.DeleteEntityAsync(row.PartitionKey, row.RowKey, ct: cancellationToken);
        }

        if (rows.Count > 0)
        {
            logger.LogInformation("Sent {Count} outbox message(s) of {CausationId} for booking {BookingId}", rows.Count, causationId, bookingId);
        }

        return rows.Count;
    }
}
