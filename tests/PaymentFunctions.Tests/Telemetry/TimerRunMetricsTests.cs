using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Tests.Telemetry;

/// The one way every timer records its runs (the app's timers through the host: MetricsTests).
public sealed class TimerRunMetricsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services;

    public TimerRunMetricsTests() => _services = new ServiceCollection().AddSingleton<TimeProvider>(_time).AddTelemetry().BuildServiceProvider();

    [Fact]
    public async Task AFailedRunIsCountedAndTimedAsFailedWithNoItemsAndItsFailureStillThrown()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        using var runs = new MetricCollector<long>(meters, PaymentsMeter.Name, "payments.timer.runs");
        using var durations = new MetricCollector<double>(meters, PaymentsMeter.Name, "payments.timer.run.duration");
        using var items = new MetricCollector<long>(meters, PaymentsMeter.Name, "payments.timer.items");
        var timers = _services.GetRequiredService<TimerRunMetrics>();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => timers.MeasureAsync<int>("Retention", () =>
        {
            _time.Advance(TimeSpan.FromSeconds(42));
            throw new InvalidOperationException("storage said no");
        }, count => count));

        Assert.Equal("storage said no", thrown.Message);
        var run = Assert.Single(runs.GetMeasurementSnapshot());
        Assert.Equal((1L, "Retention", "failed"), (run.Value, run.Tags["timer"], run.Tags["outcome"]));
        Assert.Equal(42, Assert.Single(durations.GetMeasurementSnapshot()).Value);
        Assert.Empty(items.GetMeasurementSnapshot());
    }

    [Fact]
    public void ATimerThatMeasuresItselfRecordsItsRunItemsAndDuration()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        using var items = new MetricCollector<long>(meters, PaymentsMeter.Name, "payments.timer.items");
        using var durations = new MetricCollector<double>(meters, PaymentsMeter.Name, "payments.timer.run.duration");

        _services.GetRequiredService<TimerRunMetrics>().Record("Retention", items: 250, TimeSpan.FromSeconds(3));

        var deleted = Assert.Single(items.GetMeasurementSnapshot());
        Assert.Equal((250L, "Retention"), (deleted.Value, deleted.Tags["timer"]));
        var duration = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal((3d, "succeeded"), (duration.Value, duration.Tags["outcome"]));
    }

    public void Dispose() => _services.Dispose();
}
