using System.Threading.Channels;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// Index rows written ahead of a request's own commit (pending-outbox entries, retention entries) by group commit:
/// the upserts that arrive while one transaction is in flight go together in the next, per partition, 100 to a
/// transaction. One caller at a time costs one round trip each; 16 concurrent callers share a few, with no timer adding
/// latency. Never stops: a failed transaction fails its callers only. Upserts, so a retry or a second process writing
/// the same row is harmless.
public sealed class GroupedUpserts(TableClient table)
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private int _writing;

    /// Returns once every row is stored (or throws what the transaction that held one of them threw).
    public async Task UpsertAsync(IReadOnlyCollection<TableEntity> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var pending = new Pending(rows, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(pending);
        if (Interlocked.Exchange(ref _writing, 1) == 0)
        {
            _ = Task.Run(WriteAsync, CancellationToken.None);
        }

        await pending.Stored.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            while (batch.Sum(p => p.Rows.Count) < TableRules.MaxTransactionActions && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                foreach (var partition in batch.SelectMany(p => p.Rows).DistinctBy(r => (r.PartitionKey, r.RowKey)).GroupBy(r => r.PartitionKey))
                {
                    foreach (var chunk in partition.Chunk(TableRules.MaxTransactionActions))
                    {
                        // Not a caller's token: the transaction serves every caller in the batch.
                        await table.SubmitCheckedAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))], CancellationToken.None);
                    }
                }

                batch.ForEach(p => p.Stored.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Stored.TrySetException(ex));
            }
        }
    }

    private sealed record Pending(IReadOnlyCollection<TableEntity> Rows, TaskCompletionSource Stored);
}
