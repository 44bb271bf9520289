using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;
using static PaymentFunctions.Tests.Webhooks.ReconciliationBacklog;

namespace PaymentFunctions.Tests.Webhooks;

/// The process dies (kill -9) in the middle of a reconciliation run, right after an event was stored: nothing after
/// that point runs, so the window's checkpoint is never written. The next run starts from the last checkpoint and
/// redoes at most that one window, and every event ends up stored once.
public sealed class StripeReconciliationCrashTests : IAsyncLifetime
{
    private ReconciliationBacklog _backlog = null!;

    public async Task InitializeAsync() => _backlog = await ReconciliationBacklog.StartAsync();

    public async Task DisposeAsync() => await _backlog.DisposeAsync();

    [Theory]
    [InlineData(7)] // in the first window, before any checkpoint
    [InlineData(16)] // in a window of paced events, a page at most
    [InlineData(35)] // in the burst: one second of 25 events, listed page by page
    public async Task AProcessKilledMidRunRedoesAtMostOneWindow(int killedAfter)
    {
        await _backlog.MissAsync(pacedBefore: 23, burst: 25, pacedAfter: 22);
        var processed = 0;
        _backlog.Host.Faults.Rule = point => point == FaultInjection.ReconciliationAfterEvent && ++processed == killedAfter;

        var killed = await FunctionsHostCalls.FireTimerAsync(_backlog.Host, StripeReconciliation.Name);
        var storedBeforeKill = Written(_backlog.Storage.Calls);
        var checkpoint = (await _backlog.CheckpointAsync())?.ToUnixTimeSeconds() ?? long.MinValue;
        _backlog.Host.Faults.Rule = null;
        _backlog.Storage.Clear();
        var restarted = await _backlog.Reconciliation.RunAsync(CancellationToken.None);
        var redone = Written(_backlog.Storage.Calls).Intersect(storedBeforeKill).ToList();

        killed.AssertFailed();
        Assert.Equal($"Injected fault at {FaultInjection.ReconciliationAfterEvent}.", killed.Error!.Message);
        Assert.Equal(killedAfter, storedBeforeKill.Count);
        // Redone: exactly what the killed run stored at or after the checkpoint, which is one window's worth.
        Assert.Equal(storedBeforeKill.Where(id => _backlog.CreatedOf(id) >= checkpoint).Order(StringComparer.Ordinal), redone.Order(StringComparer.Ordinal));
        Assert.True(redone.Count <= PageSize || redone.Select(_backlog.CreatedOf).Distinct().Count() == 1, $"{redone.Count} events redone over several seconds");
        Assert.True(restarted.Finished);
        Assert.Equal(_backlog.Events.Count - killedAfter + redone.Count, restarted.Listed);
        Assert.Equal(_backlog.Events.Select(e => e.Id).ToHashSet(), await _backlog.RecordedAsync());
    }

    private static List<string> Written(IReadOnlyList<string> calls) =>
        [.. calls.Select(StorageTimeline.RecordedEvent).OfType<string>().Distinct(StringComparer.Ordinal)];
}
