using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Messaging;

/// Sends outbox rows a crashed process left behind.
public sealed class OutboxSweeperFunction(OutboxSweeper sweeper, TimerRunMetrics runs, ILogger<OutboxSweeperFunction> logger)
{
    /// The app setting holding the NCRONTAB schedule (six fields, seconds first); see docs/configuration.md.
    public const string Schedule = "Timers:OutboxSweepSchedule";

    [Function(OutboxSweeper.Name)]
    public async Task RunAsync([TimerTrigger("%" + Schedule + "%")] TimerInfo timer, CancellationToken ct)
    {
        var sent = await runs.MeasureAsync(OutboxSweeper.Name, () => sweeper.RunAsync(ct), count => count);
        logger.LogInformation("Sent {Count} left-over outbox message(s).", sent);
    }
}
