using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Hosting;

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
        var filter = $"RowKey ge '{OutboxRow.RowKeyPrefix}' and RowKey lt 'outbox}}'";
        await foreach (var row in tables.Bookings.QueryAsync(filter, ["PartitionKey", "RowKey", "Timestamp"], ct: cancellationToken))
        {
            if (row.Timestamp < cutoff)
            {
                pending.Add((row.PartitionKey, row.RowKey.Split('|')[1]));
            }
        }

        var sent = 0;
        foreach (var (bookingId, causationId) in pending)
        {
            sent += await sender.SendPendingAsync(bookingId, causationId, cancellationToken);
        }

        if (sent > 0)
        {
            logger.LogWarning("Outbox sweeper sent {Count} message(s) a crashed process had left behind", sent);
        }

        return sent;
    }
}
