using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// The pending-outbox index: "booking B may still hold unsent outbox rows of cause C", one row per booking and cause
/// in a Lookups partition per minute (<see cref="RowKeys.PendingOutboxBucket"/>). The outbox sweeper reads these
/// entries, oldest minute first, and never the Bookings table, so its reads follow what is pending, not what is stored.
/// An entry cannot be written in the outbox rows' transaction (another partition), so the rule is: written before the
/// rows could be left behind with no one to send them, deleted only after the rows are gone. It may say too much (a
/// stale entry: the sweeper finds no rows and drops it), never too little. Who writes one when: docs/architecture.md.
public sealed class PendingOutbox(PaymentTables tables, TimeProvider time)
{
    private readonly GroupedUpserts _upserts = new(tables.Lookups);

    /// Indexes one cause; an upsert, so a retry or a second process writing the same entry is harmless.
    public async Task<PendingEntry> MarkAsync(string bookingId, string causationId, CancellationToken cancellationToken) =>
        (await MarkAsync([(bookingId, causationId)], cancellationToken))[0];

    /// Indexes several causes in the current minute's partition; returns once they are stored.
    public async Task<IReadOnlyList<PendingEntry>> MarkAsync(IReadOnlyCollection<(string BookingId, string CausationId)> causes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(causes);
        var now = time.GetUtcNow();
        var bucket = RowKeys.PendingOutboxBucket(now);
        var entries = causes
            .Select(c => new PendingEntry(bucket, RowKeys.PendingOutboxRow(c.BookingId, c.CausationId), c.BookingId, RowKeys.Part(c.CausationId), now))
            .DistinctBy(e => e.RowKey)
            .ToList();
        await tables.EnsureCreatedAsync(cancellationToken);
        await _upserts.UpsertAsync([.. entries.Select(e => e.ToEntity())], cancellationToken);
        return entries;
    }

    /// Entries of the minutes before <paramref name="before"/>'s minute, oldest first, at most <paramref name="max"/>:
    /// one key range of Lookups partitions, read page by page as the caller goes.
    public async IAsyncEnumerable<PendingEntry> ReadAsync(DateTimeOffset before, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = KeyFilters.PartitionsStartingWithBefore(RowKeys.PendingOutboxPrefix, RowKeys.PendingOutboxBucket(before));
        var read = 0;
        await foreach (var row in tables.Lookups.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: PendingEntry.Columns, cancellationToken: cancellationToken))
        {
            yield return PendingEntry.FromEntity(row);
            if (++read == max)
            {
                yield break;
            }
        }
    }

    /// One page of the entries of the minutes before <paramref name="before"/>'s minute, oldest first, for a person: the
    /// same key range as <see cref="ReadAsync"/>, one round trip per page.
    public async Task<ListPage<PendingEntry>?> ReadPageAsync(DateTimeOffset before, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = KeyFilters.PartitionsStartingWithBefore(RowKeys.PendingOutboxPrefix, RowKeys.PendingOutboxBucket(before));
        return await TablePages.ReadAsync(tables.Lookups, filter, pageSize, cursor, PendingEntry.Columns, PendingEntry.FromEntity, cancellationToken);
    }

    /// Deletes entries whose rows are gone: per minute's partition, 100 per transaction (<see cref="BatchedDeletes"/>).
    public async Task RemoveAsync(IReadOnlyCollection<PendingEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await tables.Lookups.DeleteRowsAsync(entries.Select(e => new TableEntity(e.Bucket, e.RowKey)), cancellationToken);
    }
}

/// One entry of the pending-outbox index. <paramref name="CausationId"/> is the cause as its outbox row keys hold it
/// (<see cref="RowKeys.Part"/>), which <see cref="RowKeys.OutboxFor"/> takes back unchanged.
public sealed record PendingEntry(string Bucket, string RowKey, string BookingId, string CausationId, DateTimeOffset MarkedAt)
{
    internal static readonly string[] Columns = ["PartitionKey", "RowKey", "BookingId", "Cause", "MarkedAt"];

    internal TableEntity ToEntity() => new(Bucket, RowKey) { ["BookingId"] = BookingId, ["Cause"] = CausationId, ["MarkedAt"] = MarkedAt };

    internal static PendingEntry FromEntity(TableEntity row) =>
        new(row.PartitionKey, row.RowKey, row.GetString("BookingId")!, row.GetString("Cause")!, row.GetDateTimeOffset("MarkedAt")!.Value);
}
