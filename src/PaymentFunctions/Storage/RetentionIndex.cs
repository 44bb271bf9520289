using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// The retention index: "partition P holds rows of kind K of minute M" (or "row R of partition P", for rows that stand
/// alone), one Lookups row per target and minute in a partition per kind and minute (<see cref="RowKeys.RetentionBucket"/>).
/// Table Storage has no TTL, and the retention timer must not read a table, or a growing partition, to find what is
/// old: it reads these entries instead, the minutes that are due, oldest first, and deletes what they point at. An
/// entry is written before the rows it covers (so a crash leaves at worst an entry pointing at nothing, which the
/// timer drops) with the time those rows carry: when they were received, or for idempotency keys when they expire.
/// Writes cost little on the request paths: group-committed (<see cref="GroupedUpserts"/>), and written once per
/// target and minute by this process (a booking's events and a user's calls come in bursts).
public sealed class RetentionIndex(PaymentTables tables)
{
    // Entries this process stored lately; cleared when it grows this large (it only saves writes).
    private const int MaxRemembered = 100_000;

    private readonly GroupedUpserts _upserts = new(tables.Lookups);
    private readonly ConcurrentDictionary<string, byte> _filed = new(StringComparer.Ordinal);

    /// Files rows of <paramref name="partitionKey"/> (or the one row <paramref name="rowKey"/>) under the minute of
    /// <paramref name="at"/>: the time column of those rows the timer compares with its cut-off. Returns once stored.
    public async Task FileAsync(RetentionKind kind, string partitionKey, string? rowKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var entry = new RetentionEntry(kind, RowKeys.RetentionBucket(Name(kind), at), RowKeys.RetentionEntry(partitionKey, rowKey), partitionKey, rowKey);
        var id = entry.Bucket + "\n" + entry.RowKey;
        if (_filed.ContainsKey(id))
        {
            return;
        }

        await tables.EnsureCreatedAsync(cancellationToken);
        await _upserts.UpsertAsync([entry.ToEntity()], cancellationToken);
        if (_filed.Count >= MaxRemembered)
        {
            _filed.Clear();
        }

        _filed.TryAdd(id, 0);
    }

    /// Entries of <paramref name="kind"/> filed under the minutes before <paramref name="before"/>'s minute, oldest
    /// first, at most <paramref name="max"/>: one key range of Lookups partitions, read a page at a time.
    public async IAsyncEnumerable<RetentionEntry> DueAsync(RetentionKind kind, DateTimeOffset before, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = KeyFilters.PartitionsStartingWithBefore(RowKeys.RetentionKindPrefix(Name(kind)), RowKeys.RetentionBucket(Name(kind), before));
        var read = 0;
        await foreach (var row in tables.Lookups.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: RetentionEntry.Columns, cancellationToken: cancellationToken))
        {
            yield return RetentionEntry.FromEntity(kind, row);
            if (++read == max)
            {
                yield break;
            }
        }
    }

    /// Deletes entries whose rows are gone: per minute's partition, 100 per transaction.
    public async Task RemoveAsync(IEnumerable<RetentionEntry> entries, CancellationToken cancellationToken) =>
        await tables.Lookups.DeleteRowsAsync(entries.Select(e => new TableEntity(e.Bucket, e.RowKey)), cancellationToken);

    private static string Name(RetentionKind kind) => kind switch
    {
        RetentionKind.IdempotencyKeys => "idempotency",
        RetentionKind.StripeInbox => "stripe-inbox",
        RetentionKind.ConsumerInbox => "consumer-inbox",
        RetentionKind.EventRecord => "event-record",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of retained row."),
    };
}

/// What an entry of the retention index stands for, and which time of those rows it is filed by.
public enum RetentionKind
{
    /// IdempotencyKeys rows of one user (the partition), filed by when they expire (their ExpiresAt column).
    IdempotencyKeys,

    /// A booking's Stripe inbox rows (<see cref="RowKeys.StripeInbox"/>), filed by when they were received (ReceivedAt).
    StripeInbox,

    /// A booking's other inbox rows (consumed messages, expiry, cancels), filed by when they were received (ReceivedAt).
    ConsumerInbox,

    /// One record of an ignored, unmatched or unprocessable Stripe event (Lookups), filed by when it was written.
    EventRecord,
}

/// One entry: the rows of <paramref name="Partition"/> (or its one row <paramref name="Row"/>) in the table of its kind.
public sealed record RetentionEntry(RetentionKind Kind, string Bucket, string RowKey, string Partition, string? Row)
{
    internal static readonly string[] Columns = ["PartitionKey", "RowKey", "Partition", "Row"];

    internal TableEntity ToEntity() => new(Bucket, RowKey) { ["Partition"] = Partition, ["Row"] = Row };

    internal static RetentionEntry FromEntity(RetentionKind kind, TableEntity row) =>
        new(kind, row.PartitionKey, row.RowKey, row.GetString("Partition")!, row.GetString("Row"));
}
