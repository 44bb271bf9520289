using Azure;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// Deletes in entity-group transactions: rows of one partition, up to 100 to a transaction. A row already gone (404),
/// or changed since it was read (412, for a row deleted under the ETag it was read with), fails its whole transaction,
/// so that chunk is then deleted one by one: a missing row is done, a changed one is left as it is.
public static class BatchedDeletes
{
    /// Deletes the rows, partition by partition; returns how many were left because they changed meanwhile.
    public static async Task<int> DeleteRowsAsync(this TableClient table, IEnumerable<ITableEntity> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var changed = 0;
        foreach (var partition in rows.DistinctBy(r => (r.PartitionKey, r.RowKey)).GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(TableRules.MaxTransactionActions))
            {
                changed += await table.DeleteChunkAsync(chunk, cancellationToken);
            }
        }

        return changed;
    }

    /// Deletes up to 100 rows of one partition in one transaction (one by one if that fails as above); returns how
    /// many were left because they changed meanwhile. Each row is deleted under its own ETag (default: any version).
    public static async Task<int> DeleteChunkAsync(this TableClient table, IReadOnlyList<ITableEntity> chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(chunk);
        try
        {
            await table.SubmitCheckedAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, Keys(r), IfMatch(r)))], cancellationToken);
            return 0;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            var changed = 0;
            foreach (var row in chunk)
            {
                try
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, IfMatch(row), cancellationToken);
                }
                catch (RequestFailedException one) when (one.Status == 412)
                {
                    changed++;
                }
            }

            return changed;
        }
    }

    private static TableEntity Keys(ITableEntity row) => new(row.PartitionKey, row.RowKey);

    private static ETag IfMatch(ITableEntity row) => row.ETag == default ? ETag.All : row.ETag;
}
