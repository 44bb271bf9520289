using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace PaymentFunctions.Hosting.Standalone;

/// Fires the timer functions on their NCRONTAB schedules when no Functions host does (Timers:RunLocally), on the
/// injected TimeProvider. Like the host: never on start-up, one invocation at a time per function, and a failed
/// invocation is logged while the next occurrence still runs.
public sealed class StandaloneTimers : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<StandaloneTimers> _logger;
    private readonly List<(FunctionEntry Function, CrontabSchedule Schedule)> _timers;

    public StandaloneTimers(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<StandaloneTimers> logger)
    {
        _services = services;
        _time = time;
        _logger = logger;
        // Resolved here, so a missing or malformed schedule setting fails start-up and names the setting.
        _timers = [.. FunctionCatalog.All.Where(f => f.Timer is not null).Select(f => (f, TimerSchedule.Resolve(f.Name, f.Timer!.Schedule, configuration)))];
    }

    public IReadOnlyList<string> Functions => [.. _timers.Select(t => t.Function.Name)];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_timers.Select(t => RunAsync(t.Function, t.Schedule, stoppingToken)));

    private async Task RunAsync(FunctionEntry function, CrontabSchedule schedule, CancellationToken stoppingToken)
    {
        DateTime? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now.UtcDateTime);
            var wait = new DateTimeOffset(next, TimeSpan.Zero) - now;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, stoppingToken);
            }

            var timer = new TimerInfo
            {
                IsPastDue = false,
                ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = schedule.GetNextOccurrence(next), LastUpdated = next },
            };
            try
            {
                await FunctionInvoker.InvokeTriggerAsync(function, _services, timer, new Dictionary<string, object?>(), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Timer function {Function} failed: {Error}", function.Name, ex.Message);
            }

            last = next;
        }
    }
}
