using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

/// Every crash window around the pending-outbox index (docs/architecture.md, "The pending-outbox index"), each made
/// with a fault point, then what the sweep (or the redelivery) does about it: one message per cause, no row and no
/// entry left behind.
public sealed class OutboxCrashWindowTests
{
    private static readonly TimeSpan Abandoned = OutboxSweeper.MinimumAge + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task AnEntryWhoseCommitNeverLandedIsKeptWhileTheCommitMightStillLandThenDropped()
    {
        await using var rig = await OutboxRig.StartAsync();
        var booking = await rig.SeedPendingAsync();
        rig.Faults.Rule = p => p == FaultInjection.OutboxAfterIndex;
        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.ExpireAsync(booking));
        rig.Faults.Rule = null;
        Assert.Single(await rig.EntriesAsync());
        Assert.Empty(await rig.OutboxRowsAsync(booking.Id));

        rig.Time.Advance(Abandoned);
        var early = await rig.Sweeper.SweepAsync(CancellationToken.None);
        rig.Time.Advance(OutboxSweeper.StaleAfter);
        var late = await rig.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal((1, 0, 0), (early.Entries, early.Sent, early.Dropped));
        Assert.Equal((1, 0, 1), (late.Entries, late.Sent, late.Dropped));
        Assert.Empty(await TestBookings.EventuallyAsync(rig.EntriesAsync, e => e.Count == 0, "the stale entry to be dropped"));
        Assert.Equal(0, rig.Bus.Received);
    }

    [Fact]
    public async Task RowsCommittedByAProcessThatDiedBeforeSendingAreSentByTheSweep()
    {
        await using var rig = await OutboxRig.StartAsync();
        var booking = await rig.SeedPendingAsync();
        rig.Faults.Rule = p => p == FaultInjection.ConsumerAfterBatch;
        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.ExpireAsync(booking));
        rig.Faults.Rule = null;

        rig.Time.Advance(Abandoned);
        var sweep = await rig.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(1, sweep.Sent);
        Assert.Equal("booking_cancelled", Assert.Single(rig.Bus.Messages(EventTypes.BookingsTopic, booking.Id)).Subject);
        await AssertNothingLeftAsync(rig, booking.Id);
    }

    [Fact]
    public async Task AMessageSentByAProcessThatDiedBeforeItsCleanUpIsResentAsADuplicateAndCleanedUp()
    {
        await using var rig = await OutboxRig.StartAsync();
        var booking = await rig.SeedPendingAsync();
        rig.Faults.Rule = p => p == FaultInjection.OutboxAfterPublish;
        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.ExpireAsync(booking));
        rig.Faults.Rule = null;
        Assert.Single(await rig.OutboxRowsAsync(booking.Id));

        rig.Time.Advance(Abandoned);
        await rig.Sweeper.SweepAsync(CancellationToken.None);

        // Sent twice with one MessageId: the topic's duplicate detection keeps one.
        Assert.Equal(2, rig.Bus.SentFor(booking.Id).Count);
        Assert.Single(rig.Bus.Messages(EventTypes.BookingsTopic, booking.Id));
        await AssertNothingLeftAsync(rig, booking.Id);
    }

    [Fact]
    public async Task AnEntryWhoseRowsWereDeletedBeforeTheProcessDiedIsDroppedWithoutASend()
    {
        await using var rig = await OutboxRig.StartAsync();
        var booking = await rig.SeedPendingAsync();
        var fired = 0;
        rig.Faults.Rule = p => p == FaultInjection.CleanupAfterRows && Interlocked.Exchange(ref fired, 1) == 0;
        await rig.ExpireAsync(booking);
        Assert.Empty(await TestBookings.EventuallyAsync(() => rig.OutboxRowsAsync(booking.Id), rows => rows.Count == 0, "the clean-up to delete the rows"));
        Assert.Single(await rig.EntriesAsync());
        rig.Faults.Rule = null;

        rig.Time.Advance(OutboxSweeper.StaleAfter + Abandoned);
        var sweep = await rig.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal((1, 0, 1), (sweep.Entries, sweep.Sent, sweep.Dropped));
        Assert.Single(rig.Bus.SentFor(booking.Id));
        await AssertNothingLeftAsync(rig, booking.Id);
    }

    [Fact]
    public async Task ARedeliveredCauseIndexesNothingOnItsPathAndItsRedeliverySendsWhatAFailureLeft()
    {
        await using var rig = await OutboxRig.StartAsync();
        var booking = await rig.SeedPendingAsync();
        var other = await rig.SeedPendingAsync();
        rig.Requests.Clear();
        await rig.ExpireAsync(other, OutboxRecovery.Redelivery);
        var happyPath = rig.Requests.All;
        rig.Faults.Rule = p => p == FaultInjection.ConsumerAfterBatch;
        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.ExpireAsync(booking, OutboxRecovery.Redelivery));
        rig.Faults.Rule = null;
        var indexed = Assert.Single(await rig.EntriesAsync());

        rig.Requests.Clear();
        var redelivery = await rig.ExpireAsync(booking, OutboxRecovery.Redelivery, redelivered: true);
        var redeliveryReads = rig.Requests.All;

        // The happy path: the booking's point read and the transaction; the index is never touched.
        Assert.Equal(["GET", "POST"], happyPath.Take(2).Select(r => r.Method));
        Assert.DoesNotContain(happyPath, r => r.Table.EndsWith("Lookups", StringComparison.Ordinal));
        // The failure indexed the cause; the redelivery is settled by its one read and sends what was left.
        Assert.Equal(booking.Id, indexed.BookingId);
        Assert.True(redelivery.Duplicate);
        Assert.Single(redeliveryReads, r => r.Method == "GET");
        Assert.Single(rig.Bus.Messages(EventTypes.BookingsTopic, booking.Id));
        Assert.Empty(await TestBookings.EventuallyAsync(() => rig.OutboxRowsAsync(booking.Id), rows => rows.Count == 0, "the redelivered rows to be cleaned up"));
        rig.Time.Advance(OutboxSweeper.StaleAfter + Abandoned);
        Assert.Equal(1, (await rig.Sweeper.SweepAsync(CancellationToken.None)).Dropped);
    }

    private static async Task AssertNothingLeftAsync(OutboxRig rig, string bookingId)
    {
        Assert.Empty(await TestBookings.EventuallyAsync(() => rig.OutboxRowsAsync(bookingId), rows => rows.Count == 0, $"booking {bookingId}'s outbox rows to be cleaned up"));
        Assert.Empty(await TestBookings.EventuallyAsync(rig.EntriesAsync, entries => entries.Count == 0, "the pending entries to go after their rows"));
    }
}
