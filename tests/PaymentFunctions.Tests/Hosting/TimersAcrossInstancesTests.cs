using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// Two standalone instances on one storage account fire each timer occurrence once between them, as timers under
/// the Functions host are singletons. Each instance has its own host here by necessity: that is the point.
public sealed class TimersAcrossInstancesTests
{
    [Fact]
    public async Task TwoInstancesRunEachOccurrenceOfTheSweeperOnceBetweenThem()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var settings = new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = prefix,
            ["Timers:RunLocally"] = "true",
            ["Timers:OutboxSweepSchedule"] = "*/5 * * * * *",
            ["Timers:ReconciliationSchedule"] = "0 0 0 1 1 *",
            ["Timers:ExpirySchedule"] = "0 0 0 1 1 *",
        };
        var logsA = new CapturingLoggerProvider();
        var logsB = new CapturingLoggerProvider();
        await using var a = await PaymentAppHost.StartAsync(clock: clock, settings: settings, services: s => s.AddSingleton<ILoggerProvider>(logsA));
        await using var b = await PaymentAppHost.StartAsync(clock: clock, settings: settings, services: s => s.AddSingleton<ILoggerProvider>(logsB));
        const int Occurrences = 4;

        for (var i = 1; i <= Occurrences; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            var occurrence = clock.GetUtcNow();
            // Done once the occurrence's lease is released: after that no instance can still claim it.
            await TestBookings.EventuallyAsync(
                async () => await a.Tables.Lookups.FindAsync(RowKeys.TimerLeasePartition, RowKeys.TimerLease("OutboxSweeper"), CancellationToken.None),
                row => row?.GetDateTimeOffset("LastOccurrence") == occurrence && row.GetDateTimeOffset("Until") <= occurrence,
                $"the sweeper's lease released after its {occurrence:T} occurrence");
        }

        var runs = Runs(logsA) + Runs(logsB);
        Assert.Equal(Occurrences, runs);
    }

    private static int Runs(CapturingLoggerProvider logs) =>
        logs.Lines.Count(line => line.StartsWith("Sent ", StringComparison.Ordinal) && line.Contains("left-over outbox message(s)", StringComparison.Ordinal));
}
