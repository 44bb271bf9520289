using PaymentFunctions.Storage;

namespace PaymentFunctions.Tests.Retention;

/// The retention timer's work follows what is due: it reads the due minutes of the retention index and, per entry, the
/// due rows of one partition, never a table or a growing partition, and a run is bounded.
public sealed class RetentionSweepTests
{
    [Fact]
    public async Task ARunReadsTheDueMinutesOfTheIndexAndTheDueRowsOfEachBookingAndNothingElse()
    {
        await using var rig = await RetentionRig.StartAsync();
        var old = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            old.Add(await rig.SeedPaidAsync(stripeEvents: 2, messages: 2));
        }

        rig.Time.Advance(TimeSpan.FromDays(20));
        var refunded = old[0];
        await rig.AddStripeEventsAsync(refunded, 1); // a refund, weeks later
        var young = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            young.Add(await rig.SeedPaidAsync());
        }

        rig.Time.Advance(TimeSpan.FromDays(10) + TimeSpan.FromMinutes(1));
        rig.Requests.Clear();
        var run = await rig.Sweep.RunAsync(CancellationToken.None);
        var requests = rig.Requests.All;

        // Every old booking keeps its booking, history and payment fact rows; the refund's inbox row is not due yet.
        foreach (var bookingId in old)
        {
            var kept = await RetentionRig.RowKeysAsync(rig.Tables.Bookings, bookingId);
            Assert.DoesNotContain(kept, k => k.StartsWith(RowKeys.InboxPrefix, StringComparison.Ordinal) && bookingId != refunded);
            Assert.Equal(bookingId == refunded ? 6 : 4, kept.Count);
        }

        Assert.Single(await RetentionRig.RowKeysAsync(rig.Tables.Bookings, refunded), k => k.StartsWith(RowKeys.StripeInboxPrefix, StringComparison.Ordinal));
        Assert.All(young, bookingId => Assert.Equal(8, RetentionRig.RowKeysAsync(rig.Tables.Bookings, bookingId).Result.Count));
        Assert.Equal(40, run.Rows);
        Assert.Equal(20, run.Entries);

        // Reads: one range of index partitions per kind, then one query per due entry, in its booking's partition.
        var indexReads = requests.Where(r => r.Method == "GET" && r.Table.EndsWith("Lookups", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, indexReads.Count);
        Assert.All(indexReads, r => Assert.Contains("PartitionKey ge 'retention|", r.Filter, StringComparison.Ordinal));
        var rowReads = requests.Where(r => r.Method == "GET" && r.Table.EndsWith("Bookings", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, rowReads.Count);
        Assert.All(rowReads, r => Assert.Contains(old, bookingId => r.Filter!.Contains($"PartitionKey eq '{bookingId}'", StringComparison.Ordinal)));
        Assert.Equal(20 + 40, requests.Sum(r => r.Entities)); // every entity read is an entry or a row it deleted
        // Writes: one transaction per booking and kind for its rows, one per kind's minute for the entries.
        Assert.Equal(20 + 2, requests.Count(r => r.Table == "$batch"));
        Assert.Equal(4 + 20 + 20 + 2, requests.Count);

        rig.Time.Advance(TimeSpan.FromDays(20));
        var later = await rig.Sweep.RunAsync(CancellationToken.None);
        Assert.Equal(1 + 40, later.Rows); // the refund's inbox row, then the young bookings' rows
        Assert.Equal(5, (await RetentionRig.RowKeysAsync(rig.Tables.Bookings, refunded)).Count); // booking, history, 3 payment facts
        Assert.Equal(0, await RetentionRig.CountAsync(rig.Tables.Lookups, KeyFilters.PartitionsStartingWithBefore(RowKeys.RetentionPrefix, RowKeys.RetentionPrefix + "~")));
    }

    [Fact]
    public async Task ARunHandlesAtMostMaxEntriesPerRunOfAKindOldestFirstAndTheNextRunsTheRest()
    {
        await using var rig = await RetentionRig.StartAsync(maxEntriesPerRun: 5);
        var recorded = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            recorded.Add(await rig.RecordEventAsync("unmatched", "payment_intent.succeeded"));
            rig.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var partition = RowKeys.StripeEventRecordPartition("unmatched", "payment_intent.succeeded");
        rig.Time.Advance(TimeSpan.FromDays(90));
        var runs = new List<(int Deleted, int Requests)>();
        var left = new List<List<string>>();
        for (var run = 0; run < 3; run++)
        {
            rig.Requests.Clear();
            var swept = await rig.Sweep.RunAsync(CancellationToken.None);
            runs.Add((swept.Rows, rig.Requests.All.Count));
            left.Add(await RetentionRig.RowKeysAsync(rig.Tables.Lookups, partition));
        }

        // Records go without a read: the index ranges (4 kinds), one transaction for the records (one partition), one
        // per minute for their entries.
        Assert.Equal([(5, 4 + 1 + 5), (5, 4 + 1 + 5), (2, 4 + 1 + 2)], runs);
        Assert.Equal(recorded[5..].Order(StringComparer.Ordinal), left[0].Order(StringComparer.Ordinal));
        Assert.Equal(recorded[10..].Order(StringComparer.Ordinal), left[1].Order(StringComparer.Ordinal));
        Assert.Empty(left[2]);
    }

    [Fact]
    public async Task TheKeyCountFollowsTheTrafficOfTheLastDay()
    {
        await using var rig = await RetentionRig.StartAsync();
        var claims = new List<int>();
        for (var hour = 0; hour < 48; hour++)
        {
            var count = 1 + (hour % 3); // a varying load: 1, 2 or 3 keyed calls an hour
            for (var i = 0; i < count; i++)
            {
                await rig.ClaimKeyAsync($"user-{i}", $"key-{hour}-{i}");
            }

            claims.Add(count);
            rig.Time.Advance(TimeSpan.FromMinutes(1));
            await rig.Sweep.RunAsync(CancellationToken.None);

            // The keys of the last 24 hours (Idempotency:KeyLifetime), no more, no less.
            Assert.Equal(claims.TakeLast(24).Sum(), await RetentionRig.CountAsync(rig.Tables.Idempotency));
            rig.Time.Advance(TimeSpan.FromMinutes(59));
        }

        rig.Time.Advance(TimeSpan.FromDays(1));
        await rig.Sweep.RunAsync(CancellationToken.None);
        Assert.Equal(0, await RetentionRig.CountAsync(rig.Tables.Idempotency));
    }

    [Fact]
    public async Task AKeyClaimedAgainAfterItExpiredStaysUntilItsNewLifetimeEnds()
    {
        await using var rig = await RetentionRig.StartAsync();
        await rig.ClaimKeyAsync("user-1", "reused");
        rig.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(5));
        await rig.ClaimKeyAsync("user-1", "reused"); // expired: the request runs again and takes the key over

        rig.Time.Advance(TimeSpan.FromMinutes(1));
        var first = await rig.Sweep.RunAsync(CancellationToken.None);
        rig.Time.Advance(TimeSpan.FromDays(1));
        var second = await rig.Sweep.RunAsync(CancellationToken.None);

        Assert.Equal((1, 0), (first.Entries, first.Rows)); // the first lifetime's entry: the key expires later now
        Assert.Equal((1, 1), (second.Entries, second.Rows));
        Assert.Equal(0, await RetentionRig.CountAsync(rig.Tables.Idempotency));
    }

    [Fact]
    public async Task ARunThatDiesAfterDeletingRowsLeavesTheirEntriesAndTheNextRunDropsThem()
    {
        await using var rig = await RetentionRig.StartAsync();
        var bookingId = await rig.SeedPaidAsync();
        rig.Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        rig.Faults.Rule = p => p == FaultInjection.RetentionAfterRows;

        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.Sweep.RunAsync(CancellationToken.None));
        var afterCrash = await RetentionRig.RowKeysAsync(rig.Tables.Bookings, bookingId);
        var entriesLeft = await RetentionRig.CountAsync(rig.Tables.Lookups, KeyFilters.PartitionsStartingWithBefore(RowKeys.RetentionPrefix, RowKeys.RetentionPrefix + "~"));
        rig.Faults.Rule = null;
        var next = await rig.Sweep.RunAsync(CancellationToken.None);

        // The Stripe inbox rows went before the "crash", the consumer inbox rows were not reached: booking, history, 2
        // payment facts and 2 consumer inbox rows are left.
        Assert.Equal(6, afterCrash.Count);
        Assert.DoesNotContain(afterCrash, k => k.StartsWith(RowKeys.StripeInboxPrefix, StringComparison.Ordinal));
        Assert.Equal(2, entriesLeft); // its entry, and the consumer inbox's, not reached
        Assert.Equal((2, 2), (next.Entries, next.Rows)); // the Stripe entry finds nothing left; the consumer's rows go
        Assert.Equal(0, await RetentionRig.CountAsync(rig.Tables.Lookups, KeyFilters.PartitionsStartingWithBefore(RowKeys.RetentionPrefix, RowKeys.RetentionPrefix + "~")));
    }
}
