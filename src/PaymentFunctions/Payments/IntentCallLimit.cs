using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// At most Payments:MaxIntentCallsPerUser PaymentIntent calls per user in any Payments:IntentCallWindow, counted in
/// storage so it holds across instances: a sliding log, one row per call in the user's partition. A call adds its row
/// first (an Add never conflicts, so concurrent calls never retry), then counts the others in the window; over the
/// limit, it removes its own row (a refused call does not count) and is refused. Concurrent calls see each other's
/// rows, so together they never pass more than the limit (they may both be refused at the edge); rows are stamped by
/// each instance's clock, so clock skew between instances shifts the window by that much.
public sealed class IntentCallLimit(PaymentTables tables, IOptions<IntentLimitOptions> options)
{
    /// Rows older than the window are deleted once this many gathered, so most calls pay no delete.
    private const int StaleRowsBeforeCleanUp = 20;

    /// Null when the call may go on to Stripe; else how long until one more call would be allowed.
    public async Task<TimeSpan?> TryTakeAsync(string userId, string bookingId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (max, window) = (options.Value.MaxIntentCallsPerUser, options.Value.IntentCallWindow);
        var partition = RowKeys.IntentCallsPartition(userId);
        var own = new TableEntity(partition, RowKeys.IntentCall(now, Guid.NewGuid().ToString("N"))) { ["BookingId"] = bookingId };
        await tables.Lookups.AddCheckedAsync(own, cancellationToken);

        var recent = new List<DateTimeOffset>();
        var stale = new List<TableEntity>();
        await foreach (var row in tables.Lookups.QueryAsync<TableEntity>(KeyFilters.InPartition(partition), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (row.RowKey == own.RowKey)
            {
                continue;
            }

            var at = RowKeys.IntentCallTime(row.RowKey);
            if (at > now - window)
            {
                recent.Add(at);
            }
            else
            {
                stale.Add(row);
            }
        }

        if (stale.Count >= StaleRowsBeforeCleanUp)
        {
            await DeleteAsync(stale, cancellationToken);
        }

        if (recent.Count < max)
        {
            return null;
        }

        await tables.Lookups.DeleteEntityAsync(own.PartitionKey, own.RowKey, cancellationToken: cancellationToken);
        recent.Sort();
        // Once this many of the others have left the window, fewer than max remain and the next call passes.
        var freedAt = recent[recent.Count - max] + window;
        return freedAt > now ? freedAt - now : TimeSpan.FromSeconds(1);
    }

    private async Task DeleteAsync(List<TableEntity> stale, CancellationToken cancellationToken)
    {
        foreach (var chunk in stale.Chunk(100))
        {
            try
            {
                await tables.Lookups.SubmitCheckedAsync([.. chunk.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All))], cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // A concurrent call of the same user cleaned up first; what is left goes next time.
            }
        }
    }
}
