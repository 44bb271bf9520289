using System.Diagnostics.Metrics;
using PaymentFunctions.Storage;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Messaging;

/// How far behind the outbox is, from the pending-outbox index (<see cref="PendingOutbox"/>), never from the
/// Bookings table: payments.outbox.pending (entries, counted up to <see cref="MaxCounted"/>) and
/// payments.outbox.oldest_age (seconds since the oldest entry was written; 0 when there is none), observable gauges,
/// and the health check's "outbox" (Hosting/HealthFunction.cs). A read is one query of the index's oldest entries (one
/// page of at most 1,000, three columns; Azure may split it into more pages), at most one per <see cref="ReadEvery"/>
/// per instance, whoever asks: the health check, GET /metrics before it answers, and under a pushing exporter
/// <see cref="OutboxBacklogRefresh"/>. The gauges only report the last reading: a callback does no I/O (every
/// OpenTelemetry listener in the process calls it). Every instance reports the same backlog: aggregate with max.
public sealed class OutboxBacklog
{
    /// One page of the index: enough to tell "a few" from "a lot"; at the bound, read it as "at least".
    public const int MaxCounted = 1000;

    /// Shorter than a scrape or export interval is pointless (the index changes on the sweeper's schedule).
    public static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly PendingOutbox _pending;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxBacklog> _logger;
    private readonly Lock _gate = new();
    private Task<OutboxBacklogReading>? _reading;
    private volatile OutboxBacklogReading? _last;

    public OutboxBacklog(PendingOutbox pending, IMeterFactory meters, TimeProvider time, ILogger<OutboxBacklog> logger)
    {
        _pending = pending;
        _time = time;
        _logger = logger;
        var meter = PaymentsMeter.Create(meters);
        meter.CreateObservableGauge("payments.outbox.pending", () => Observe(r => (long)r.Pending), "{entry}", $"Pending-outbox entries (rows a process may have left unsent), counted up to {MaxCounted}.");
        meter.CreateObservableGauge("payments.outbox.oldest_age", () => Observe(r => r.OldestAge(_time.GetUtcNow()).TotalSeconds), "s", "Age of the oldest pending-outbox entry; 0 when there is none.");
    }

    /// The backlog as of at most <see cref="ReadEvery"/> ago, read now if the last reading is older; the gauges report
    /// it from then on.
    public Task<OutboxBacklogReading> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // One read at a time per instance; a failed one is tried again by the next caller.
            if (_reading is null || _reading.IsFaulted || _reading.IsCanceled
                || (_reading.IsCompletedSuccessfully && _time.GetUtcNow() - _reading.Result.ReadAt >= ReadEvery))
            {
                _reading = ReadIndexAsync();
            }

            return _reading.WaitAsync(cancellationToken);
        }
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<OutboxBacklogReading, T> value)
        where T : struct =>
        _last is { } last ? [new Measurement<T>(value(last))] : [];

    private async Task<OutboxBacklogReading> ReadIndexAsync()
    {
        // Off the caller's lock and thread: the read serves every caller until it is stale.
        await Task.Yield();
        var now = _time.GetUtcNow();
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            var count = 0;
            DateTimeOffset? oldest = null;
            // Oldest minute first: the first page holds the oldest entry.
            await foreach (var entry in _pending.ReadAsync(DateTimeOffset.MaxValue, MaxCounted, timeout.Token))
            {
                count++;
                oldest = oldest is { } known && known <= entry.MarkedAt ? known : entry.MarkedAt;
            }

            var reading = new OutboxBacklogReading(count, oldest, now);
            _last = reading;
            return reading;
        }
        catch (Exception ex)
        {
            _logger.LogWarning("The pending-outbox index could not be read for the outbox metrics and health check: {Error}", ex.Message);
            throw;
        }
    }
}

/// One read of the pending-outbox index: entries counted (at most <see cref="OutboxBacklog.MaxCounted"/>), when the
/// oldest was written, and when this was read.
public sealed record OutboxBacklogReading(int Pending, DateTimeOffset? OldestMarkedAt, DateTimeOffset ReadAt)
{
    public TimeSpan OldestAge(DateTimeOffset now) => OldestMarkedAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}
