using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// Deletes outbox rows whose messages are settled, off the request path and in batches: rows of one partition go
/// in entity-group transactions of up to 100 deletes, several partitions at once; then the pending-outbox entries
/// released with them, once their rows are gone. Losing the queue in a crash is harmless: the rows stay, and a
/// redelivery, the sweeper (for indexed rows) or the in-process transport at start sends them again, dropped as
/// duplicates by their MessageIds. Drains what it holds on a graceful shutdown.
public sealed class OutboxCleanup(PaymentTables tables, PendingOutbox pending, FaultInjection faults, ILogger<OutboxCleanup> logger) : BackgroundService
{
    /// Partitions deleted at once. At peak a flush holds hundreds of partitions with one or two rows each (a
    /// transaction cannot span them), so one at a time falls behind the webhooks; 8 in flight keep up with 8x
    /// that, stay far below the account's 20,000 entities/s and the SDK's connection pool, and leave the request
    /// path's own storage calls room on a 2-core instance.
    public const int MaxConcurrentDeletes = 8;

    private readonly Channel<Released> _queue = Channel.CreateUnbounded<Released>(new UnboundedChannelOptions { SingleReader = true });

    // Rows handed over and not yet deleted: their messages were accepted (or settled), so a redelivery or a sweep that
    // reads them before the delete lands need not send them again.
    private readonly ConcurrentDictionary<OutboxRowKey, byte> _released = new();

    /// True while the row waits here for its delete: its message needs no resend.
    public bool IsReleased(OutboxRowKey row) => _released.ContainsKey(row);

    /// Hands over rows whose messages need them no longer. Never blocks, never throws.
    public void Release(IEnumerable<OutboxRowKey> rows) => Release(rows, []);

    /// Hands over rows and the pending-outbox entries that covered them; the entries go after the rows.
    public void Release(IEnumerable<OutboxRowKey> rows, IEnumerable<PendingEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(entries);
        var released = new Released([.. rows], [.. entries]);
        foreach (var row in released.Rows)
        {
            _released.TryAdd(row, 0);
        }

        _queue.Writer.TryWrite(released);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Graceful shutdown: delete what was handed over (the host's shutdown timeout bounds this).
            await FlushAsync(CancellationToken.None);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var rows = new List<OutboxRowKey>();
        var entries = new List<PendingEntry>();
        while (_queue.Reader.TryRead(out var released))
        {
            rows.AddRange(released.Rows);
            entries.AddRange(released.Entries);
        }

        try
        {
            await DeleteAsync(rows, entries, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only housekeeping, and this loop must outlive one bad flush: what stays is resent or dropped later.
            logger.LogWarning("Outbox clean-up of {Rows} row(s) and {Entries} pending entry(s) stopped: {Error}", rows.Count, entries.Count, ex.Message);
        }
    }

    /// Deletes the rows, grouped by partition in transactions of at most 100. Public for tests.
    public Task DeleteAsync(IReadOnlyCollection<OutboxRowKey> rows, CancellationToken cancellationToken) => DeleteAsync(rows, [], cancellationToken);

    /// Deletes the rows, then the entries of every booking whose rows are all gone. Public for tests.
    public async Task DeleteAsync(IReadOnlyCollection<OutboxRowKey> rows, IReadOnlyCollection<PendingEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(entries);
        var kept = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentDeletes, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(rows.Distinct().GroupBy(r => r.PartitionKey), parallel, async (partition, token) =>
        {
            foreach (var chunk in partition.Chunk(TableRules.MaxTransactionActions))
            {
                try
                {
                    await DeleteChunkAsync(partition.Key, chunk, token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Only housekeeping: the rows stay and are sent again later, then dropped as duplicates.
                    logger.LogWarning("Could not delete {Count} settled outbox row(s) of booking {BookingId}; they will be resent and de-duplicated: {Error}", chunk.Length, partition.Key, ex.Message);
                    kept[partition.Key] = true;
                }
                finally
                {
                    foreach (var row in chunk)
                    {
                        _released.TryRemove(row, out _);
                    }
                }
            }
        });

        faults.Reached(FaultInjection.CleanupAfterRows);
        // An entry whose rows stayed must stay too: it is what keeps them in the sweeper's sight.
        var done = entries.Where(e => !kept.ContainsKey(e.BookingId)).ToList();
        if (done.Count > 0)
        {
            await pending.RemoveAsync(done, cancellationToken);
        }
    }

    // A row already gone (a resend released it twice, another process deleted it) fails the whole transaction; then
    // the chunk goes one by one, where a missing row is simply done.
    private Task<int> DeleteChunkAsync(string partitionKey, OutboxRowKey[] chunk, CancellationToken cancellationToken) =>
        tables.Bookings.DeleteChunkAsync([.. chunk.Select(r => new TableEntity(partitionKey, r.RowKey))], cancellationToken);

    private sealed record Released(OutboxRowKey[] Rows, PendingEntry[] Entries);
}

/// The keys of one outbox row.
public readonly record struct OutboxRowKey(string PartitionKey, string RowKey);
