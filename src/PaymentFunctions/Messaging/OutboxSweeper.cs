using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// The safety net under every outbox: sends rows a crashed or failed process left unsent. It reads the pending-outbox
/// index (<see cref="PendingOutbox"/>), oldest minute first and at most <see cref="OutboxOptions.SweepMaxEntries"/>
/// entries per run, then each entry's rows in its booking's partition, sending as it goes: its reads follow what is
/// pending, not the size of the Bookings table. Resends are harmless: MessageIds are deterministic. What no entry
/// covers is covered by its cause's redelivery (docs/architecture.md, "The pending-outbox index").
public sealed class OutboxSweeper(
    PaymentTables tables, PendingOutbox pending, OutboxSender sender, OutboxCleanup cleanup, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxSweeper> logger)
{
    public const string Name = "OutboxSweeper";

    /// Entries younger than this most likely belong to a process still sending their rows.
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(1);

    /// An entry without rows is dropped only past this age; until then the commit it was written before may still
    /// land (one transaction with the SDK's default retries, 4 tries of up to 100 s, can take about 7 minutes).
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(15);

    public async Task<int> RunAsync(CancellationToken cancellationToken) => (await SweepAsync(cancellationToken)).Sent;

    public async Task<OutboxSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var max = options.Value.SweepMaxEntries;
        var sweep = new OutboxSweep();
        var failed = 0;
        await foreach (var entry in pending.ReadAsync(now - MinimumAge, max, cancellationToken))
        {
            sweep.Entries++;
            try
            {
                var rows = await OutboxRow.ReadAsync(tables, entry.BookingId, entry.CausationId, cancellationToken);
                sweep.Rows += rows.Count;
                if (rows.Count > 0)
                {
                    sweep.Sent += await sender.SendAsync(rows, cancellationToken, entry);
                }
                else if (now - entry.MarkedAt >= StaleAfter)
                {
                    cleanup.Release([], [entry]);
                    sweep.Dropped++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep sweeping the others; the run still fails at the end so the failure is seen.
                logger.LogError(ex, "Outbox rows of {CausationId} for booking {BookingId} could not be sent: {Error}", entry.CausationId, entry.BookingId, ex.Message);
                failed++;
            }
        }

        if (sweep.Entries == max)
        {
            logger.LogWarning("Outbox sweep handled {Max} pending entries (Outbox:SweepMaxEntries); older ones first, the rest wait for the next run", max);
        }

        if (sweep.Sent > 0)
        {
            logger.LogWarning("Outbox sweeper sent {Count} message(s) a crashed or failed process had left behind", sweep.Sent);
        }

        return failed == 0 ? sweep : throw new InvalidOperationException($"Outbox sweep sent {sweep.Sent} message(s); {failed} cause(s) failed and stay in the outbox.");
    }
}

/// What one sweep did: pending entries read, outbox rows read for them, messages sent, stale entries dropped.
public sealed class OutboxSweep
{
    public int Entries { get; set; }

    public int Rows { get; set; }

    public int Sent { get; set; }

    public int Dropped { get; set; }
}
