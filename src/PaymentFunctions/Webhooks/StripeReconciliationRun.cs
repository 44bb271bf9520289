namespace PaymentFunctions.Webhooks;

/// What one reconciliation run did.
/// <param name="Listed">events listed and fed to the webhook pipeline (a crash's or an overlap's re-listing included)</param>
/// <param name="Stored">of them, events that were missing and are now stored</param>
/// <param name="Duplicates">of them, events already stored (delivered as webhooks, or by an earlier run)</param>
/// <param name="Windows">time windows completed, oldest first</param>
/// <param name="Checkpoints">checkpoint writes (at most one per window)</param>
/// <param name="ListRequests">GET /v1/events calls, the probes of windows that had to be split included</param>
/// <param name="Finished">false when the run stopped at its time budget; the next run goes on from the checkpoint</param>
public sealed record ReconciliationRun(int Listed, int Stored, int Duplicates, int Windows, int Checkpoints, int ListRequests, bool Finished);

/// The counts of a run in progress, and the first failures (a few ids are enough to look into; the rest are counted).
internal sealed class ReconciliationTally
{
    private const int FailureIdsKept = 10;

    public int Listed { get; set; }

    public int Stored { get; set; }

    public int Duplicates { get; set; }

    public int Windows { get; set; }

    public int Checkpoints { get; set; }

    public int ListRequests { get; set; }

    public int Failures { get; private set; }

    public List<string> FailureIds { get; } = [];

    public void Failed(string eventId)
    {
        Failures++;
        if (FailureIds.Count < FailureIdsKept)
        {
            FailureIds.Add(eventId);
        }
    }

    public ReconciliationRun ToRun(bool finished) => new(Listed, Stored, Duplicates, Windows, Checkpoints, ListRequests, finished);
}
