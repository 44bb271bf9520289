using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.Retention;

/// Deletes by age what is kept for a while only (<see cref="RetentionSweep"/>). A failure fails the invocation; the
/// next occurrence retries what is left.
public sealed class RetentionFunction(RetentionSweep sweep)
{
    /// The app setting holding the NCRONTAB schedule (six fields, seconds first); see docs/configuration.md.
    public const string Schedule = "Timers:RetentionSchedule";

    [Function(RetentionSweep.Name)]
    public async Task RunAsync([TimerTrigger("%" + Schedule + "%")] TimerInfo timer, CancellationToken ct) => await sweep.RunAsync(ct);
}
