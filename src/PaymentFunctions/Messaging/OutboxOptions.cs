using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Messaging;

/// Section "Outbox".
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// Pending-outbox entries one sweep handles at most (oldest first); the rest wait for the next run. Bounds a
    /// run's work (about two storage round trips and a send per entry) so it ends well within its schedule.
    [Range(1, 100_000, ErrorMessage = "Outbox:SweepMaxEntries must be between 1 and 100000.")]
    public int SweepMaxEntries { get; set; } = 2000;

    /// The health check reports the outbox stuck (503, check "outbox") once its oldest pending entry is older than
    /// this. Normal operation keeps it under about 20 minutes: an entry waits a minute before a sweep (every 5
    /// minutes) sends it, and one without rows is dropped after 15 (OutboxSweeper.StaleAfter).
    [Range(typeof(TimeSpan), "00:20:00", "7.00:00:00", ErrorMessage = "Outbox:StuckAfter must be between 00:20:00 and 7.00:00:00.")]
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(30);
}
