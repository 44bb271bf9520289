using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Messaging;

/// Sends outbox rows a crashed process left behind.
public sealed class OutboxSweeperFunction(OutboxSweeper sweeper, ILogger<OutboxSweeperFunction> logger)
{
    [Function(OutboxSweeper.Name)]
    public async Task RunAsync([TimerTrigger("%" + TimerSchedules.OutboxSweep + "%")] TimerInfo timer, CancellationToken ct)
    {
        var sent = await sweeper.RunAsync(ct);
        logger.LogInformation("Sent {Count} left-over outbox message(s).", sent);
    }
}
