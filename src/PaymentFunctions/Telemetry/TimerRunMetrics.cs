using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PaymentFunctions.Telemetry;

/// How the timer functions run: one way for every timer to record itself (expiry, reconciliation, the outbox sweeper,
/// retention). Attributes: <c>timer</c> (the function's name) and <c>outcome</c> (succeeded, failed).
/// - payments.timer.runs: runs that ended;
/// - payments.timer.run.duration: how long each took, in seconds;
/// - payments.timer.items: what the runs acted on (bookings expired, missed events stored, messages sent, rows
///   deleted), counted for runs that succeeded: a failed run reports no count it could not finish.
public sealed class TimerRunMetrics
{
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _items;
    private readonly TimeProvider _time;

    public TimerRunMetrics(IMeterFactory meters, TimeProvider time)
    {
        var meter = PaymentsMeter.Create(meters);
        _runs = meter.CreateCounter<long>("payments.timer.runs", "{run}", "Timer function runs that ended, by timer and outcome.");
        _duration = meter.CreateHistogram<double>("payments.timer.run.duration", "s", "How long each timer function run took.");
        _items = meter.CreateCounter<long>("payments.timer.items", "{item}", "What the timer runs acted on: bookings expired, missed events stored, messages sent, rows deleted.");
        _time = time;
    }

    /// Runs <paramref name="run"/> and records it: its duration, its outcome, and on success its item count.
    /// A failure is recorded and rethrown, so the invocation still fails.
    public async Task<T> MeasureAsync<T>(string timer, Func<Task<T>> run, Func<T, long> items)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(items);
        var started = _time.GetTimestamp();
        T result;
        try
        {
            result = await run();
        }
        catch
        {
            Record(timer, items: 0, _time.GetElapsedTime(started), succeeded: false);
            throw;
        }

        Record(timer, items(result), _time.GetElapsedTime(started), succeeded: true);
        return result;
    }

    /// For a timer that measures itself.
    public void Record(string timer, long items, TimeSpan duration, bool succeeded = true)
    {
        var tags = new TagList { { "timer", timer }, { PaymentsMeter.Outcome, succeeded ? "succeeded" : "failed" } };
        _runs.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
        if (succeeded)
        {
            _items.Add(items, new KeyValuePair<string, object?>("timer", timer));
        }
    }
}
