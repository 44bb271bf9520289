using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Webhooks;

/// Stores Stripe events that never arrived as webhooks. A failure fails the invocation; the next occurrence
/// resumes from the checkpoint.
public sealed class StripeReconciliationFunction(StripeReconciliation reconciliation, ILogger<StripeReconciliationFunction> logger)
{
    [Function(StripeReconciliation.Name)]
    public async Task RunAsync([TimerTrigger("%" + TimerSchedules.Reconciliation + "%")] TimerInfo timer, CancellationToken ct)
    {
        var run = await reconciliation.RunAsync(ct);
        logger.LogInformation("Listed {Listed} Stripe event(s), stored {Stored} missing one(s).", run.Listed, run.Stored);
    }
}
