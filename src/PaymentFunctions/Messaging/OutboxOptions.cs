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
}
