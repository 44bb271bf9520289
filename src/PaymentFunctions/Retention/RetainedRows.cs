using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Retention;

/// What an entry of the retention index deletes once due: for a booking or a user, the rows of that kind in its
/// partition whose own time has passed the cut-off (one query, reading only those rows, then transactions of up to 100
/// in the partition); for an event record, the record itself (no read). Rows newer than the cut-off stay: they have an
/// entry of their own, filed under a later minute.
public sealed class RetainedRows(PaymentTables tables)
{
    /// The due rows of one booking's or user's partition, deleted; returns how many.
    public async Task<int> DeleteAsync(RetentionEntry entry, DateTimeOffset cut, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (table, filter) = entry.Kind switch
        {
            // ExpiresAt: written with the key (Http/IdempotencyKeys); a key taken over since expires later and stays.
            RetentionKind.IdempotencyKeys => (tables.Idempotency, KeyFilters.InPartition(entry.Partition) + " and " + TableClient.CreateQueryFilter($"ExpiresAt le {cut}")),
            // ReceivedAt: written with every inbox row (Webhooks/WebhookProcessor, Bookings/BookingUpdater).
            RetentionKind.StripeInbox => (tables.Bookings, KeyFilters.InPartitionStartingWith(entry.Partition, RowKeys.StripeInboxPrefix) + ReceivedBy(cut)),
            RetentionKind.ConsumerInbox => (tables.Bookings, KeyFilters.InPartitionStartingWithExcept(entry.Partition, RowKeys.InboxPrefix, RowKeys.StripeInboxPrefix) + ReceivedBy(cut)),
            _ => throw new ArgumentException($"{entry.Kind} entries stand for single rows.", nameof(entry)),
        };
        var due = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            due.Add(row);
        }

        // Under the ETags just read: an idempotency key claimed again in between is left to its new entry.
        return due.Count - await table.DeleteRowsAsync(due, cancellationToken);
    }

    /// Event records, grouped by their partition (one per kind and type), deleted without a read; returns how many
    /// entries were handled. A record written again since (a redelivery) is deleted with the first: its window counts
    /// from the first time it was seen.
    public async Task<int> DeleteRecordsAsync(IReadOnlyCollection<RetentionEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await tables.Lookups.DeleteRowsAsync(entries.Select(e => new TableEntity(e.Partition, e.Row!)), cancellationToken);
        return entries.Count;
    }

    private static string ReceivedBy(DateTimeOffset cut) => " and " + TableClient.CreateQueryFilter($"ReceivedAt le {cut}");
}
