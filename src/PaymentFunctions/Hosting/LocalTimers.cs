using PaymentFunctions.Bookings;
using PaymentFunctions.Messaging;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Hosting;

/// Outside the Functions host nothing fires the timer triggers, so locally this runs the same work on the
/// same schedule (reconciliation every 15 min, expiry every minute, outbox sweep every 5 min by default).
public sealed class LocalTimers(IServiceProvider services, TimerOptions options, TimeProvider time, ILogger<LocalTimers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        EveryAsync(options.ReconciliationInterval, StripeReconciliation.Name, ct => services.GetRequiredService<StripeReconciliation>().RunAsync(ct), stoppingToken),
        EveryAsync(options.ExpiryInterval, BookingExpiry.Name, ct => services.GetRequiredService<BookingExpiry>().RunAsync(ct), stoppingToken),
        EveryAsync(options.OutboxSweepInterval, OutboxSweeper.Name, ct => services.GetRequiredService<OutboxSweeper>().RunAsync(ct), stoppingToken));

    private async Task EveryAsync(TimeSpan interval, string name, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await run(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Like a failed timer invocation: logged, and the next tick tries again.
                logger.LogError(ex, "{Timer} failed: {Error}", name, ex.Message);
            }
        }
    }
}

/// Section "Timers".
public sealed class TimerOptions
{
    public bool RunLocally { get; set; }

    public TimeSpan ReconciliationInterval { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan OutboxSweepInterval { get; set; } = TimeSpan.FromMinutes(5);
}
