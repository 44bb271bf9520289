using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Azure;
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
    private readonly Channel<Mark> _marks = Channel.CreateUnbounded<Mark>(new UnboundedChannelOptions { SingleReader = true });
    private int _writing;

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
        var mark = new Mark(entries, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _marks.Writer.TryWrite(mark);
        if (Interlocked.Exchange(ref _writing, 1) == 0)
        {
            _ = Task.Run(WriteMarksAsync, CancellationToken.None);
        }

        await mark.Stored.Task.WaitAsync(cancellationToken);
        return entries;
    }

    // Group commit: the marks that arrive while one transaction is in flight go together in the next (all in one
    // minute's partition, so one transaction per 100). One mark at a time costs one upsert each; 16 concurrent
    // webhooks share a few, with no timer adding latency. Never stops: a failed transaction fails its marks only.
    private async Task WriteMarksAsync()
    {
        while (await _marks.Reader.WaitToReadAsync())
        {
            var batch = new List<Mark>();
            while (batch.Sum(m => m.Entries.Count) < TableRules.MaxTransactionActions && _marks.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                foreach (var bucket in batch.SelectMany(m => m.Entries).DistinctBy(e => (e.Bucket, e.RowKey)).GroupBy(e => e.Bucket))
                {
                    foreach (var chunk in bucket.Chunk(TableRules.MaxTransactionActions))
                    {
                        // Not a caller's token: the transaction serves every caller in the batch.
                        await tables.Lookups.SubmitCheckedAsync([.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e.ToEntity()))], CancellationToken.None);
                    }
                }

                batch.ForEach(m => m.Stored.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(m => m.Stored.TrySetException(ex));
            }
        }
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

    /// Deletes entries whose rows are gone: per minute's partition, 100 per transaction; an entry already gone (two
    /// processes released it) fails its transaction, so that chunk is deleted one by one, where a missing row is done.
    public async Task RemoveAsync(IReadOnlyCollection<PendingEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var bucket in entries.DistinctBy(e => (e.Bucket, e.RowKey)).GroupBy(e => e.Bucket))
        {
            foreach (var chunk in bucket.Chunk(TableRules.MaxTransactionActions))
            {
                try
                {
                    await tables.Lookups.SubmitCheckedAsync([.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(e.Bucket, e.RowKey), ETag.All))], cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 404)
                {
                    foreach (var entry in chunk)
                    {
                        await tables.Lookups.DeleteEntityAsync(entry.Bucket, entry.RowKey, ETag.All, cancellationToken);
                    }
                }
            }
        }
    }
}

internal sealed record Mark(IReadOnlyList<PendingEntry> Entries, TaskCompletionSource Stored);

/// One entry of the pending-outbox index. <paramref name="CausationId"/> is the cause as its outbox row keys hold it
/// (<see cref="RowKeys.Part"/>), which <see cref="RowKeys.OutboxFor"/> takes back unchanged.
public sealed record PendingEntry(string Bucket, string RowKey, string BookingId, string CausationId, DateTimeOffset MarkedAt)
{
    internal static readonly string[] Columns = ["PartitionKey", "RowKey", "BookingId", "Cause", "MarkedAt"];

    internal TableEntity ToEntity() => new(Bucket, RowKey) { ["BookingId"] = BookingId, ["Cause"] = CausationId, ["MarkedAt"] = MarkedAt };

    internal static PendingEntry FromEntity(TableEntity row) =>
        new(row.PartitionKey, row.RowKey, row.GetString("BookingId")!, row.GetString("Cause")!, row.GetDateTimeOffset("MarkedAt")!.Value);
}
