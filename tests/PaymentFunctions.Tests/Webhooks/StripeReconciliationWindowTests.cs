using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;
using StripeEmulator;
using static PaymentFunctions.Tests.Webhooks.ReconciliationBacklog;

namespace PaymentFunctions.Tests.Webhooks;

/// Issue 18: a backlog of missed events is reconciled in windows, oldest first, with a checkpoint after each window;
/// a run stops at its time budget and the next goes on; a failure keeps the checkpoint before it.
public sealed class StripeReconciliationWindowTests : IAsyncLifetime
{
    private ReconciliationBacklog _backlog = null!;

    public async Task InitializeAsync() => _backlog = await ReconciliationBacklog.StartAsync();

    public async Task DisposeAsync() => await _backlog.DisposeAsync();

    [Fact]
    public async Task ABacklogIsStoredOldestFirstWithACheckpointAfterEveryWindowOfAtMostAPage()
    {
        await _backlog.MissAsync(pacedBefore: 23, burst: 25, pacedAfter: 22);

        var run = await _backlog.Reconciliation.RunAsync(CancellationToken.None);

        Assert.True(run.Finished);
        Assert.Equal(_backlog.Events.Count, run.Listed);
        Assert.Equal(_backlog.Events.Select(e => e.Id).ToHashSet(), await _backlog.RecordedAsync());
        var calls = _backlog.Storage.Calls;
        var written = calls.Select(StorageTimeline.RecordedEvent).OfType<string>().ToList();
        Assert.Equal(_backlog.Events.Count, written.Count);
        Assert.Equal(written.Select(_backlog.CreatedOf).Order(), written.Select(_backlog.CreatedOf));

        // Between two checkpoint writes: one window, at most a page of events, unless they all share one second.
        var windows = Segments(calls).Where(w => w.Count > 0).ToList();
        Assert.All(windows, w => Assert.True(w.Count <= PageSize || w.Select(_backlog.CreatedOf).Distinct().Count() == 1, $"a window of {w.Count} events over several seconds"));
        Assert.Contains(windows, w => w.Count > PageSize);
        Assert.Equal(run.Checkpoints, calls.Count(StorageTimeline.IsCheckpointWrite));
        Assert.True(run.Windows >= _backlog.Events.Count / PageSize, $"{run.Windows} windows");
        Assert.Equal(_backlog.Clock.GetUtcNow() - StripeReconciliation.Overlap, await _backlog.CheckpointAsync());
    }

    [Fact]
    public async Task ARunThatReachesItsTimeBudgetStopsAfterItsWindowAndTheNextRunGoesOn()
    {
        await _backlog.MissAsync(pacedBefore: 40, burst: 0, pacedAfter: 0);
        var budget = _backlog.Host.Services.GetRequiredService<IOptions<StripeReconciliationOptions>>().Value.TimeBudget;
        var processed = 0;
        _backlog.Host.Faults.Rule = point =>
        {
            // Time passes while the 15th event is stored: the budget is spent.
            if (point == FaultInjection.ReconciliationAfterEvent && ++processed == 15)
            {
                _backlog.Clock.Advance(budget);
            }

            return false;
        };

        var first = await _backlog.Reconciliation.RunAsync(CancellationToken.None);
        var checkpoint = await _backlog.CheckpointAsync();
        var second = await _backlog.Reconciliation.RunAsync(CancellationToken.None);

        Assert.False(first.Finished);
        Assert.InRange(first.Listed, 15, 15 + PageSize - 1);
        Assert.NotNull(checkpoint);
        // The checkpoint sits right after the events the first run stored, so the second redoes none of them.
        Assert.Equal(first.Listed, _backlog.Events.Count(e => e.Created < checkpoint.Value.ToUnixTimeSeconds()));
        Assert.True(second.Finished);
        Assert.Equal(_backlog.Events.Count, first.Listed + second.Listed);
        Assert.Equal(_backlog.Events.Select(e => e.Id).ToHashSet(), await _backlog.RecordedAsync());
    }

    [Fact]
    public async Task AFailedEventKeepsTheCheckpointBeforeItsWindowWhileLaterWindowsAreStillStored()
    {
        await _backlog.MissAsync(pacedBefore: 25, burst: 0, pacedAfter: 0);
        var emulatorOptions = _backlog.Host.Emulator.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        emulatorOptions.ApiVersion = "2024-06-20"; // one event rendered in another release: refused until a person acts
        await _backlog.MissAsync(pacedBefore: 1, burst: 0, pacedAfter: 0);
        emulatorOptions.ApiVersion = Stripe.StripeConfiguration.ApiVersion;
        await _backlog.MissAsync(pacedBefore: 25, burst: 0, pacedAfter: 0);
        var bad = _backlog.Events[25];

        var failed = await FunctionsHostCalls.FireTimerAsync(_backlog.Host, StripeReconciliation.Name);
        var checkpoint = await _backlog.CheckpointAsync();
        var again = await FunctionsHostCalls.FireTimerAsync(_backlog.Host, StripeReconciliation.Name);

        failed.AssertFailed();
        Assert.Contains(bad.Id, failed.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(_backlog.Events.Where(e => e.Id != bad.Id).Select(e => e.Id).ToHashSet(), await _backlog.RecordedAsync());
        Assert.NotNull(checkpoint);
        Assert.True(checkpoint.Value.ToUnixTimeSeconds() <= bad.Created, $"checkpoint {checkpoint:O} passed the failed event ({bad.Created})");
        Assert.True(checkpoint.Value.ToUnixTimeSeconds() > _backlog.Events[0].Created, "the windows before the failure moved the checkpoint");
        again.AssertFailed();
        Assert.Equal(checkpoint, await _backlog.CheckpointAsync());
    }

    [Fact]
    public async Task ACheckpointOfTheFirstVersionIsReadAsItsNewestEventLessTheOverlap()
    {
        await _backlog.MissAsync(pacedBefore: 20, burst: 0, pacedAfter: 0);
        var newestStored = DateTimeOffset.FromUnixTimeSeconds(_backlog.Events[12].Created) + StripeReconciliation.Overlap;
        await _backlog.Host.Tables.Lookups.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow) { ["Created"] = newestStored });

        var run = await _backlog.Reconciliation.RunAsync(CancellationToken.None);

        Assert.Equal(_backlog.Events.Skip(12).Select(e => e.Id).ToHashSet(), await _backlog.RecordedAsync());
        Assert.Equal(8, run.Listed);
        Assert.Equal(_backlog.Clock.GetUtcNow() - StripeReconciliation.Overlap, await _backlog.CheckpointAsync());
    }

    /// The events written between consecutive checkpoint writes.
    private static IEnumerable<List<string>> Segments(IReadOnlyList<string> calls)
    {
        var segment = new List<string>();
        foreach (var call in calls)
        {
            if (StorageTimeline.IsCheckpointWrite(call))
            {
                yield return segment;
                segment = [];
            }
            else if (StorageTimeline.RecordedEvent(call) is { } eventId)
            {
                segment.Add(eventId);
            }
        }

        yield return segment;
    }
}
