using Microsoft.Azure.Functions.Worker;
using NCrontab;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Hosting.Standalone;

/// Fires the timer functions on their NCRONTAB schedules when no Functions host does (Timers:RunLocally), on the
/// injected TimeProvider. Like the host: never on start-up, one invocation at a time per function across every
/// instance on the storage account (a lease per function, as the host's singleton lock; Storage/TimerLeases), each
/// occurrence on one instance only, and a failed invocation is logged while the next occurrence still runs.
public sealed class StandaloneTimers : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<StandaloneTimers> _logger;
    private readonly List<(FunctionEntry Function, CrontabSchedule Schedule)> _timers;
    private readonly TimerLeases _leases;
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public StandaloneTimers(IServiceProvider services, IConfiguration configuration, TimerLeases leases, TimeProvider time, ILogger<StandaloneTimers> logger)
    {
        _services = services;
        _leases = leases;
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
                await RunOnceAsync(function, new DateTimeOffset(next, TimeSpan.Zero), timer, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Timer function {Function} failed: {Error}", function.Name, ex.Message);
            }

            last = next;
        }
    }

    /// Runs the occurrence if this instance claims it, renewing the lease while the function runs.
    private async Task RunOnceAsync(FunctionEntry function, DateTimeOffset occurrence, TimerInfo timer, CancellationToken stoppingToken)
    {
        if (await _leases.TryClaimAsync(function.Name, occurrence, _holder, stoppingToken) is not { } lease)
        {
            _logger.LogDebug("Timer function {Function}: occurrence {Occurrence:o} runs elsewhere", function.Name, occurrence);
            return;
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewAsync(function, lease, running.Token);
        try
        {
            await FunctionInvoker.InvokeTriggerAsync(function, _services, timer, new Dictionary<string, object?>(), stoppingToken);
        }
        finally
        {
            await running.CancelAsync();
            await renewal;
            await ReleaseAsync(function, lease);
        }
    }

    private async Task RenewAsync(FunctionEntry function, TimerLease lease, CancellationToken running)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimerLeases.Duration / 3, _time, running);
                if (!await lease.RenewAsync())
                {
                    _logger.LogWarning("Timer function {Function} lost its lease while running: another instance may run its next occurrence", function.Name);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Timer function {Function} could not renew its lease: {Error}", function.Name, ex.Message);
        }
    }

    /// A lease not released only lapses: the next occurrence waits for it, and nothing runs twice.
    private async Task ReleaseAsync(FunctionEntry function, TimerLease lease)
    {
        try
        {
            await lease.ReleaseAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Timer function {Function} could not release its lease; it lapses in {Duration}: {Error}", function.Name, TimerLeases.Duration, ex.Message);
        }
    }
}
