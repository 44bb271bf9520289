using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Webhooks;

/// Stores Stripe events that never arrived as webhooks. A failure fails the invocation; a run that reaches its time
/// budget ends normally. Either way the next occurrence resumes from the checkpoint.
public sealed class StripeReconciliationFunction(StripeReconciliation reconciliation, TimerRunMetrics runs, ILogger<StripeReconciliationFunction> logger)
{
    /// The app setting holding the NCRONTAB schedule (six fields, seconds first); see docs/configuration.md.
    public const string Schedule = "Timers:ReconciliationSchedule";

    [Function(StripeReconciliation.Name)]
    public async Task RunAsync([TimerTrigger("%" + Schedule + "%")] TimerInfo timer, CancellationToken ct)
    {
        // Its items are the events it had to store: webhooks that never arrived.
        var run = await runs.MeasureAsync(StripeReconciliation.Name, () => reconciliation.RunAsync(ct), r => r.Stored);
        logger.LogInformation("Listed {Listed} Stripe event(s) in {Windows} window(s), stored {Stored} missing one(s); finished: {Finished}.", run.Listed, run.Windows, run.Stored, run.Finished);
    }
}
