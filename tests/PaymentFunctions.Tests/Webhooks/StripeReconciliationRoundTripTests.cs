using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Webhooks;

/// Storage round trips of reconciliation (docs/architecture.md, "Storage round trips"): a missed event costs what its
/// webhook would have (its booking's retention entry, the transaction, then the outbox row's batched delete), an event
/// already stored costs the transaction that answers 409 (its entry is filed already), and the run itself one
/// checkpoint read plus one write per window.
public sealed class StripeReconciliationRoundTripTests : IAsyncLifetime
{
    private const int Events = 24;
    private ReconciliationBacklog _backlog = null!;

    public async Task InitializeAsync() => _backlog = await ReconciliationBacklog.StartAsync(serviceBus: true);

    public async Task DisposeAsync() => await _backlog.DisposeAsync();

    [Fact]
    public async Task AMissedEventCostsItsTransactionAndItsOutboxDeleteAndAStoredOneItsTransaction()
    {
        var bookings = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            bookings.Add((await TestBookings.SeedAsync(_backlog.Host)).Id);
        }

        await _backlog.MissAsync(pacedBefore: Events, burst: 0, pacedAfter: 0, bookingIds: bookings);
        _backlog.Storage.Clear();

        var missed = await _backlog.Reconciliation.RunAsync(CancellationToken.None);
        var calls = await TestBookings.EventuallyAsync(() => Task.FromResult(_backlog.Storage.Calls), c => c.Count(IsBatch) == 3 * Events, "the missed events' retention entries, transactions and outbox clean-ups");
        await _backlog.Host.Tables.Lookups.DeleteEntityAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow);
        _backlog.Storage.Clear();
        var relisted = await _backlog.Reconciliation.RunAsync(CancellationToken.None);
        var relistedCalls = _backlog.Storage.Calls;

        Assert.Equal((Events, Events, 0), (missed.Listed, missed.Stored, missed.Duplicates));
        Assert.Equal(RunCalls(missed.Checkpoints).Concat(Enumerable.Repeat("POST $batch", 3 * Events)).Order(), calls.Select(Kind).Order());
        Assert.Equal((Events, 0, Events), (relisted.Listed, relisted.Stored, relisted.Duplicates));
        Assert.Equal(RunCalls(relisted.Checkpoints).Concat(Enumerable.Repeat("POST $batch", Events)).Order(), relistedCalls.Select(Kind).Order());
        Assert.InRange(missed.Checkpoints, 1, missed.Windows);
        Assert.All(bookings, b => Assert.Single(_backlog.Host.ServiceBus!.Messages(Contracts.EventTypes.PaymentsTopic), m => m.CorrelationId == b));
    }

    private static IEnumerable<string> RunCalls(int checkpoints) => ["GET checkpoint", .. Enumerable.Repeat("PUT checkpoint", checkpoints)];

    private static bool IsBatch(string call) => Kind(call) == "POST $batch";

    private static string Kind(string call) =>
        call.EndsWith("$batch", StringComparison.Ordinal) ? call.Split(' ')[0] + " $batch"
        : call.Contains($"PartitionKey='{RowKeys.CheckpointPartition}'", StringComparison.Ordinal) ? call.Split(' ')[0] + " checkpoint"
        : call;
}
