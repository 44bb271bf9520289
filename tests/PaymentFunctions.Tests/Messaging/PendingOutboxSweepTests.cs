using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

/// Issue 18: the outbox sweep reads the pending-outbox index, not the Bookings table, does a bounded amount of work
/// per run, and every crash window of an indexed cause leaves something the sweep sends or safely drops. Each test owns
/// a rig (its own tables and clock), since it counts every storage request and every pending entry.
public sealed class PendingOutboxSweepTests
{
    private static readonly TimeSpan Abandoned = OutboxSweeper.MinimumAge + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task TheSweepReadsOnlyThePendingEntriesAndTheirRowsHoweverManySettledBookingsTheTableHolds()
    {
        await using var rig = await OutboxRig.StartAsync();
        await rig.SeedSettledAsync(200);
        var crashed = await CrashedAfterCommitAsync(rig, 3);
        rig.Time.Advance(Abandoned);
        rig.Requests.Clear();

        var sweep = await rig.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal((3, 3, 3), (sweep.Entries, sweep.Rows, sweep.Sent));
        var reads = rig.Requests.All.Where(r => r.Method == "GET").ToList();
        // One read of the index (a range of its partitions), then one query in each pending booking's partition.
        Assert.Equal(1 + 3, reads.Count);
        Assert.All(reads, r => Assert.Contains(r.Table.EndsWith("Lookups", StringComparison.Ordinal) ? "PartitionKey ge 'outbox-pending|'" : "PartitionKey eq '", r.Filter, StringComparison.Ordinal));
        Assert.Equal(3 + 3, reads.Sum(r => r.Entities));
        Assert.Equal(crashed.Order(StringComparer.Ordinal), rig.Bus.Messages(EventTypes.BookingsTopic).Select(m => m.CorrelationId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ARunHandlesAtMostTheConfiguredEntriesOldestFirstAndTheNextRunTheRest()
    {
        await using var rig = await OutboxRig.StartAsync(sweepMaxEntries: 2);
        var crashed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            crashed.AddRange(await CrashedAfterCommitAsync(rig, 1));
            rig.Time.Advance(TimeSpan.FromMinutes(1));
        }

        rig.Time.Advance(Abandoned);

        var first = await rig.Sweeper.SweepAsync(CancellationToken.None);
        await TestBookings.EventuallyAsync(rig.EntriesAsync, entries => entries.Count == 1, "the first run's entries to be cleaned up");
        var second = await rig.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal((2, 2), (first.Entries, first.Sent));
        Assert.Equal((1, 1), (second.Entries, second.Sent));
        Assert.Equal(crashed, rig.Bus.Messages(EventTypes.BookingsTopic).Select(m => m.CorrelationId));
    }

    [Fact]
    public async Task FreshEntriesAreLeftToTheProcessStillSendingThem()
    {
        await using var rig = await OutboxRig.StartAsync();
        await CrashedAfterCommitAsync(rig, 1);

        var sweep = await rig.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal((0, 0), (sweep.Entries, sweep.Sent));
        Assert.Single(await rig.EntriesAsync());
    }

    /// Expires <paramref name="count"/> bookings through the booking updater, each dying right after its commit.
    private static async Task<List<string>> CrashedAfterCommitAsync(OutboxRig rig, int count)
    {
        var ids = new List<string>();
        rig.Faults.Rule = p => p == FaultInjection.ConsumerAfterBatch;
        for (var i = 0; i < count; i++)
        {
            var booking = await rig.SeedPendingAsync();
            await Assert.ThrowsAsync<InvalidOperationException>(() => rig.ExpireAsync(booking));
            Assert.Single(await rig.OutboxRowsAsync(booking.Id));
            ids.Add(booking.Id);
        }

        rig.Faults.Rule = null;
        return ids;
    }
}
