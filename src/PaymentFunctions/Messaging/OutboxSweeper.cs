using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// The safety net under every outbox: finds rows a crashed process left unsent and sends them. Webhooks and
/// Service Bus deliveries are redelivered anyway, but a timer (booking expiry) or a caller that gives up would
/// otherwise leave its messages behind. Resends are harmless: MessageIds are deterministic.
/// It scans by RowKey range across partitions; at a scale where that scan hurts, keep a pending-outbox index.
public sealed class OutboxSweeper(PaymentTables tables, OutboxSender sender, TimeProvider time, ILogger<OutboxSweeper> logger)
{
    public const string Name = "OutboxSweeper";

    /// Rows younger than this most likely belong to a request still sending them.
    private static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(1);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var cutoff = time.GetUtcNow() - MinimumAge;
        var pending = new HashSet<(string BookingId, string CausationId)>();
        var filter = KeyFilters.RowKeyStartingWith(RowKeys.OutboxPrefix);
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "Timestamp"], cancellationToken: cancellationToken))
        {
            if (row.Timestamp < cutoff)
            {
                pending.Add((row.PartitionKey, RowKeys.CausationOfOutbox(row.RowKey)));
            }
        }

        var sent = 0;
        var failed = 0;
        foreach (var (bookingId, causationId) in pending)
        {
            try
            {
                sent += await sender.SendPendingAsync(bookingId, causationId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep sweeping the others; the run still fails at the end so the failure is seen.
                logger.LogError(ex, "Outbox rows of {CausationId} for booking {BookingId} could not be sent: {Error}", causationId, bookingId, ex.Message);
                failed++;
            }
        }

        if (sent > 0)
        {
            logger.LogWarning("Outbox sweeper sent {Count} message(s) a crashed process had left behind", sent);
        }

        return failed == 0 ? sent : throw new InvalidOperationException($"Outbox sweep sent {sent} message(s); {failed} group(s) failed and stay in the outbox.");
    }
}
