using System.Diagnostics.Metrics;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Storage;

/// payments.commit.retries: commits of <see cref="ExactlyOnceCommit"/> that lost a race (412 at the state row:
/// another cause for the same booking committed between the read and the write) and were planned and tried again.
/// A few are the design working; a steady rate means one booking gets many events at once, and a run of 10 in a
/// row gives up (the cause fails and is redelivered).
public sealed class CommitMetrics(IMeterFactory meters)
{
    private readonly Counter<long> _retries = PaymentsMeter.Create(meters).CreateCounter<long>(
        "payments.commit.retries", "{retry}", "Exactly-once commits retried after losing a race for their booking's row.");

    public void Record<T>(CommitResult<T> commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.LostRaces > 0)
        {
            _retries.Add(commit.LostRaces);
        }
    }
}
