using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Tests.Storage;

/// THE inbox + state + outbox commit against the real Azurite, through Azure.Data.Tables.
public sealed class ExactlyOnceCommitTests
{
    private const string Partition = "bk_commit";

    [Fact]
    public async Task ACommitStoresTheInboxTheStateAndTheAddedRowsTogether()
    {
        var tables = await StorageTables.CreateAsync();

        var result = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, ct => CounterPlanAsync(tables.Table, "cause-1", ct), CancellationToken.None);

        Assert.Equal(CommitOutcome.Committed, result.Outcome);
        var rows = (await tables.RowsAsync(Partition)).ToDictionary(r => r.RowKey);
        Assert.Equal([RowKeys.Booking, RowKeys.Inbox("cause-1"), RowKeys.Outbox("cause-1", "m-1")], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, rows[RowKeys.Booking].GetInt32("Count"));
    }

    [Fact]
    public async Task ADuplicateAtTheInboxIsReportedAndChangesNothing()
    {
        var tables = await StorageTables.CreateAsync();
        await ExactlyOnceCommit.RunAsync(tables.Table, Partition, ct => CounterPlanAsync(tables.Table, "cause-1", ct), CancellationToken.None);
        var before = (await tables.RowsAsync(Partition)).ToDictionary(r => r.RowKey, r => r.ETag);

        var again = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, ct => CounterPlanAsync(tables.Table, "cause-1", ct), CancellationToken.None);

        Assert.Equal(CommitOutcome.Duplicate, again.Outcome);
        var after = (await tables.RowsAsync(Partition)).ToDictionary(r => r.RowKey, r => r.ETag);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(false)] // both add the state row: the loser gets 409 at the state action
    [InlineData(true)] // both replace it with the ETag they read: the loser gets 412
    public async Task ACauseThatLosesTheRaceToAnotherProcessIsReReadAndRetriedSoBothApply(bool stateExists)
    {
        var tables = await StorageTables.CreateAsync();
        if (stateExists)
        {
            await tables.Table.AddEntityAsync(new TableEntity(Partition, RowKeys.Booking) { ["Count"] = 0 });
        }

        // Another process commits cause-b between this one's read and its write (in-process causes take turns,
        // so the other writer is played by a direct write to the table).
        var plans = 0;
        var result = await ExactlyOnceCommit.RunAsync(
            tables.Table,
            Partition,
            async ct =>
            {
                var plan = await CounterPlanAsync(tables.Table, "cause-a", ct);
                if (Interlocked.Increment(ref plans) == 1)
                {
                    var other = await CounterPlanAsync(tables.Table, "cause-b", ct);
                    await tables.Table.SubmitTransactionAsync(other.Writes!.ToActions(), ct);
                }

                return plan;
            },
            CancellationToken.None);

        Assert.Equal(CommitOutcome.Committed, result.Outcome);
        Assert.Equal(2, plans);
        var state = await tables.Table.FindAsync(Partition, RowKeys.Booking, CancellationToken.None);
        Assert.Equal(2, state!.GetInt32("Count")); // b first, then a on its second attempt
        Assert.NotNull(await tables.Table.FindAsync(Partition, RowKeys.Inbox("cause-b"), CancellationToken.None));
    }

    [Fact]
    public async Task CausesForOnePartitionArrivingTogetherInOneProcessTakeTurnsAndAllApply()
    {
        var tables = await StorageTables.CreateAsync();
        var plans = 0;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => ExactlyOnceCommit.RunAsync(
            tables.Table,
            Partition,
            ct =>
            {
                Interlocked.Increment(ref plans);
                return CounterPlanAsync(tables.Table, $"cause-{i}", ct);
            },
            CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(CommitOutcome.Committed, r.Outcome));
        Assert.Equal(16, plans); // no lost race, so no re-read
        var state = await tables.Table.FindAsync(Partition, RowKeys.Booking, CancellationToken.None);
        Assert.Equal(16, state!.GetInt32("Count"));
    }

    [Fact]
    public async Task AFailingActionLeavesNothingAppliedAndNamesItsIndexStatusAndCode()
    {
        var tables = await StorageTables.CreateAsync();
        await tables.Table.AddEntityAsync(new TableEntity(Partition, RowKeys.Outbox("cause-1", "m-1")) { ["Body"] = "sent by someone else" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ExactlyOnceCommit.RunAsync(tables.Table, Partition, ct => CounterPlanAsync(tables.Table, "cause-1", ct), CancellationToken.None));

        var failed = Assert.IsType<TableTransactionFailedException>(error.InnerException);
        Assert.Equal((2, 409, "EntityAlreadyExists"), (failed.FailedTransactionActionIndex, failed.Status, failed.ErrorCode));
        Assert.Contains("failed at action 2", error.Message, StringComparison.Ordinal);
        var left = Assert.Single(await tables.RowsAsync(Partition));
        Assert.Equal("sent by someone else", left.GetString("Body"));
    }

    [Fact]
    public async Task ARaceLostEveryTimeGivesUpAfterMaxAttemptsWithThe412()
    {
        var tables = await StorageTables.CreateAsync();
        await tables.Table.AddEntityAsync(new TableEntity(Partition, RowKeys.Booking) { ["Count"] = 0 });
        var stale = (await tables.Table.FindAsync(Partition, RowKeys.Booking, CancellationToken.None))!.ETag;
        await tables.Table.UpdateEntityAsync(new TableEntity(Partition, RowKeys.Booking) { ["Count"] = 1 }, ETag.All, TableUpdateMode.Replace);
        var plans = 0;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ExactlyOnceCommit.RunAsync(
            tables.Table,
            Partition,
            _ =>
            {
                plans++;
                return Task.FromResult(new CommitPlan<int>(0, new CommitWrites(Inbox("cause-1"), new StateWrite(new TableEntity(Partition, RowKeys.Booking) { ["Count"] = 9 }, stale), [])));
            },
            CancellationToken.None));

        Assert.Equal(ExactlyOnceCommit.MaxAttempts, plans);
        Assert.Equal(412, Assert.IsType<TableTransactionFailedException>(error.InnerException).Status);
        Assert.Null(await tables.Table.FindAsync(Partition, RowKeys.Inbox("cause-1"), CancellationToken.None));
    }

    [Fact]
    public async Task APlanWithNothingToWriteSendsNoTransaction()
    {
        var tables = await StorageTables.CreateAsync();

        var result = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, _ => Task.FromResult(new CommitPlan<string>("unchanged", null)), CancellationToken.None);

        Assert.Equal((CommitOutcome.NothingToWrite, "unchanged"), (result.Outcome, result.Value));
        Assert.Equal(0, tables.Sent);
    }

    [Fact]
    public async Task APlanWritingToAnotherPartitionThanItsTurnIsRefusedBeforeSending()
    {
        var tables = await StorageTables.CreateAsync();

        // The turn is taken per partition; a plan for another one would race unguarded.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ExactlyOnceCommit.RunAsync(
            tables.Table, "bk_other", ct => CounterPlanAsync(tables.Table, "cause-1", ct), CancellationToken.None));

        Assert.Contains("bk_other", error.Message, StringComparison.Ordinal);
        Assert.Empty(await tables.RowsAsync(Partition));
    }

    [Fact]
    public async Task ARedeliveryTellsBySentinelWhetherItsOutboxRowIsStillUnsent()
    {
        var tables = await StorageTables.CreateAsync();
        await tables.Table.AddEntityAsync(new TableEntity(Partition, RowKeys.Booking));
        var first = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, _ => Task.FromResult(SentinelPlan("cause-1")), CancellationToken.None);

        var whileUnsent = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, _ => Task.FromResult(SentinelPlan("cause-1")), CancellationToken.None);
        await tables.Table.DeleteEntityAsync(Partition, RowKeys.Outbox("cause-1", "m-1"));
        var afterSent = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, _ => Task.FromResult(SentinelPlan("cause-1")), CancellationToken.None);

        Assert.Equal(CommitOutcome.Committed, first.Outcome);
        Assert.Equal(CommitOutcome.Duplicate, whileUnsent.Outcome);
        Assert.Equal(CommitOutcome.DuplicateSettled, afterSent.Outcome);
        // Neither redelivery wrote anything: the sent outbox row stays gone, the fact stays single.
        Assert.Equal([RowKeys.Booking, RowKeys.Inbox("cause-1"), RowKeys.PaymentFact("cause-1")], (await tables.RowsAsync(Partition)).Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task APlanForARowThatMustExistWritesNothingWhenItDoesNot()
    {
        var tables = await StorageTables.CreateAsync();

        var result = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, _ => Task.FromResult(SentinelPlan("cause-1")), CancellationToken.None);

        Assert.Equal(CommitOutcome.Missing, result.Outcome);
        Assert.Empty(await tables.RowsAsync(Partition));
    }

    [Fact]
    public async Task AMustExistMergeKeepsWhatTheRowHolds()
    {
        var tables = await StorageTables.CreateAsync();
        await tables.Table.AddEntityAsync(new TableEntity(Partition, RowKeys.Booking) { ["Status"] = "PENDING" });

        var result = await ExactlyOnceCommit.RunAsync(tables.Table, Partition, _ => Task.FromResult(SentinelPlan("cause-1")), CancellationToken.None);

        Assert.Equal(CommitOutcome.Committed, result.Outcome);
        Assert.Equal("PENDING", (await tables.Table.FindAsync(Partition, RowKeys.Booking, CancellationToken.None))!.GetString("Status"));
    }

    /// The webhook's shape: nothing read, the state row must exist, a fact appended, the outbox row as sentinel.
    private static CommitPlan<int> SentinelPlan(string cause) => new(0, new CommitWrites(
        Inbox(cause),
        StateWrite.MustExist(new TableEntity(Partition, RowKeys.Booking)),
        [new TableEntity(Partition, RowKeys.PaymentFact(cause))],
        Sentinel: new TableEntity(Partition, RowKeys.Outbox(cause, "m-1")) { ["Body"] = cause }));

    /// The policy under test in miniature: read a counter, write it incremented with one outbox row per cause.
    private static async Task<CommitPlan<int>> CounterPlanAsync(TableClient table, string cause, CancellationToken ct)
    {
        var stored = await table.FindAsync(Partition, RowKeys.Booking, ct);
        var count = (stored?.GetInt32("Count") ?? 0) + 1;
        var state = new StateWrite(new TableEntity(Partition, RowKeys.Booking) { ["Count"] = count }, stored?.ETag ?? default);
        return new CommitPlan<int>(count, new CommitWrites(Inbox(cause), state, [new TableEntity(Partition, RowKeys.Outbox(cause, "m-1")) { ["Body"] = cause }]));
    }

    private static TableEntity Inbox(string cause) => new(Partition, RowKeys.Inbox(cause)) { ["ReceivedAt"] = DateTimeOffset.UtcNow };
}
