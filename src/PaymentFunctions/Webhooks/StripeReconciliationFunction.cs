using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.Webhooks;

/// Stores Stripe events that never arrived as webhooks. A failure fails the invocation; a run that reaches its time
/// budget ends normally. Either way the next occurrence resumes from the checkpoint.
public sealed class StripeReconciliationFunction(StripeReconciliation reconciliation, ILogger<StripeReconciliationFunction> logger)
{
    /// The app setting holding the NCRONTAB schedule (six fields, seconds first); see docs/configuration.md.
    public const string Schedule = "Timers:ReconciliationSchedule";

    [Function(StripeReconciliation.Name)]
    public async Task RunAsync([TimerTrigger("%" + Schedule + "%")] TimerInfo timer, CancellationToken ct)
    {
        var run = await reconciliation.RunAsync(ct);
        logger.LogInformation("Listed {Listed} Stripe event(s) in {Windows} window(s), stored {Stored} missing one(s); finished: {Finished}.", run.Listed, run.Windows, run.Stored, run.Finished);
    }
}
