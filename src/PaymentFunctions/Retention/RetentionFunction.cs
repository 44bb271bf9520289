using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Retention;

/// Deletes by age what is kept for a while only (<see cref="RetentionSweep"/>). A failure fails the invocation; the
/// next occurrence retries what is left. Each run is recorded as payments.timer.* with the rows it deleted.
public sealed class RetentionFunction(RetentionSweep sweep, TimerRunMetrics runs)
{
    /// The app setting holding the NCRONTAB schedule (six fields, seconds first); see docs/configuration.md.
    public const string Schedule = "Timers:RetentionSchedule";

    [Function(RetentionSweep.Name)]
    public async Task RunAsync([TimerTrigger("%" + Schedule + "%")] TimerInfo timer, CancellationToken ct) =>
        await runs.MeasureAsync(RetentionSweep.Name, () => sweep.RunAsync(ct), run => run.Rows);
}
