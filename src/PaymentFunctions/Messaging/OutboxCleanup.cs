using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// Deletes outbox rows whose messages are settled, off the request path and in batches: rows of one partition
/// go in entity-group transactions of up to 100 deletes. Losing the queue in a crash is harmless: the rows stay,
/// the sweeper (or the in-process transport at start) sends them again, and deterministic MessageIds make the
/// resend a duplicate. Drains what it holds on a graceful shutdown.
public sealed class OutboxCleanup(PaymentTables tables, ILogger<OutboxCleanup> logger) : BackgroundService
{
    private readonly Channel<OutboxRowKey> _queue = Channel.CreateUnbounded<OutboxRowKey>(new UnboundedChannelOptions { SingleReader = true });

    /// Hands over rows whose messages need them no longer. Never blocks, never throws.
    public void Release(IEnumerable<OutboxRowKey> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            _queue.Writer.TryWrite(row);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DeleteAsync(TakeAvailable(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Graceful shutdown: delete what was handed over (the host's shutdown timeout bounds this).
            await DeleteAsync(TakeAvailable(), CancellationToken.None);
        }
    }

    private List<OutboxRowKey> TakeAvailable()
    {
        var rows = new List<OutboxRowKey>();
        while (_queue.Reader.TryRead(out var row))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// Deletes the rows, grouped by partition in transactions of at most 100. Public for tests.
    public async Task DeleteAsync(IReadOnlyCollection<OutboxRowKey> rows, CancellationToken cancellationToken)
    {
        foreach (var partition in rows.Distinct().GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(TableRules.MaxTransactionActions))
            {
                try
                {
                    await DeleteChunkAsync(partition.Key, chunk, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Only housekeeping: the rows stay and are sent again later, then dropped as duplicates.
                    logger.LogWarning("Could not delete {Count} settled outbox row(s) of booking {BookingId}; they will be resent and de-duplicated: {Error}", chunk.Length, partition.Key, ex.Message);
                }
            }
        }
    }

    private async Task DeleteChunkAsync(string partitionKey, OutboxRowKey[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Bookings.SubmitCheckedAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, r.RowKey), ETag.All))], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // One row was already gone (a resend released it twice, another process deleted it), which fails the
            // whole transaction: delete one by one, where a missing row is simply done.
            foreach (var row in chunk)
            {
                await tables.Bookings.DeleteEntityAsync(partitionKey, row.RowKey, ETag.All, cancellationToken);
            }
        }
    }
}

/// The keys of one outbox row.
public readonly record struct OutboxRowKey(string PartitionKey, string RowKey);
