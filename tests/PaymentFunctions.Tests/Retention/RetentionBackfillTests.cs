using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using PaymentFunctions.Http;
using PaymentFunctions.Operations;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Tests.Retention;

/// Rows written before the retention index existed have no entry, so the timer never sees them. The operator's
/// backfill (POST /api/admin/retention/backfill, page by page) files their entries; the timer then deletes them as it
/// deletes any other, and keeps what it keeps.
public sealed class RetentionBackfillTests
{
    [Fact]
    public async Task RowsFromBeforeTheIndexAreFiledAPageACallAndThenGoWithTheTimerWhileKeptRowsStay()
    {
        await using var rig = await RetentionRig.StartAsync();
        var now = rig.Time.GetUtcNow();
        var bookings = new[] { "bk_legacy_1", "bk_legacy_2", "bk_legacy_3" };
        foreach (var bookingId in bookings)
        {
            // As an earlier version left a paid booking: no retention entry for any of its rows.
            await rig.Tables.Bookings.SubmitCheckedAsync(
                [
                    Add(new TableEntity(bookingId, RowKeys.Booking) { ["Status"] = "CONFIRMED" }),
                    Add(new TableEntity(bookingId, RowKeys.History(now, "m0"))),
                    Add(new TableEntity(bookingId, RowKeys.PaymentFact("evt_" + bookingId))),
                    Add(new TableEntity(bookingId, RowKeys.StripeInbox("evt_" + bookingId)) { ["ReceivedAt"] = now }),
                    Add(new TableEntity(bookingId, RowKeys.Inbox("evt_" + bookingId + ":payment_intent.succeeded")) { ["ReceivedAt"] = now }),
                ],
                CancellationToken.None);
        }

        await rig.Tables.Idempotency.AddEntityAsync(new TableEntity("user-legacy", "k1") { ["ExpiresAt"] = now.AddDays(1) });
        await rig.Tables.Idempotency.AddEntityAsync(new TableEntity("user-legacy", "k2") { ["ExpiresAt"] = now.AddDays(1) });
        await rig.Tables.Lookups.AddEntityAsync(new TableEntity(RowKeys.StripeEventRecordPartition("ignored", "customer.created"), "evt_ignored_legacy") { ["ReceivedAt"] = now });
        await rig.Tables.Lookups.AddEntityAsync(new TableEntity(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow) { ["Created"] = now });
        var backfill = new RetentionBackfill(rig.Tables, rig.Index, new AuditTrail(rig.Tables, rig.Time, NullLogger<AuditTrail>.Instance));

        // Nothing is due for the timer yet, however old: there are no entries.
        rig.Time.Advance(TimeSpan.FromDays(91));
        Assert.Equal(0, (await rig.Sweep.RunAsync(CancellationToken.None)).Rows);

        var pages = new List<BackfillPage>();
        string? cursor = null;
        do
        {
            rig.Requests.Clear();
            var page = await backfill.FileAsync("staff-1", new PageQuery(2, cursor), CancellationToken.None);
            Assert.NotNull(page);
            // One query round trip per call, reading no more entities than the page holds.
            var read = Assert.Single(rig.Requests.All, r => r.Method == "GET");
            Assert.Equal(page.Rows, read.Entities);
            // Writes: the index entries, one transaction per kind and hour here (all rows share an hour), and the audit
            // trail's two rows.
            var kinds = page.Scan == "inbox" ? page.Entries : 1;
            Assert.Equal(kinds, rig.Requests.All.Count(r => r.Table == "$batch"));
            Assert.Equal(1 + kinds + 2, rig.Requests.All.Count);
            pages.Add(page);
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(["inbox", "idempotency-keys", "event-records"], pages.Select(p => p.Scan).Distinct());
        Assert.Equal(6 + 2 + 1, pages.Sum(p => p.Rows));
        // Per booking and hour, one entry for its Stripe inbox rows and one for its other inbox rows; one for the
        // user's keys (both in one minute); one for the record.
        Assert.Equal(6 + 1 + 1, pages.Sum(p => p.Entries));

        var run = await rig.Sweep.RunAsync(CancellationToken.None);

        Assert.Equal(6 + 2 + 1, run.Rows);
        foreach (var bookingId in bookings)
        {
            string[] kept = [RowKeys.Booking, RowKeys.History(now, "m0"), RowKeys.PaymentFact("evt_" + bookingId)];
            Assert.Equal(kept.Order(StringComparer.Ordinal), (await RetentionRig.RowKeysAsync(rig.Tables.Bookings, bookingId)).Order(StringComparer.Ordinal));
        }

        Assert.Equal(0, await RetentionRig.CountAsync(rig.Tables.Idempotency));
        Assert.Equal(0, await RetentionRig.CountAsync(rig.Tables.Lookups, KeyFilters.PartitionsStartingWith(RowKeys.StripeEventRecordPrefix)));
        Assert.NotNull(await rig.Tables.Lookups.FindAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow, CancellationToken.None));
        Assert.Equal(0, await RetentionRig.CountAsync(rig.Tables.Lookups, KeyFilters.PartitionsStartingWith(RowKeys.RetentionPrefix)));
    }

    [Fact]
    public async Task ACursorCalledAgainFilesTheSameEntriesAndOneNotHandedOutIsRefusedWithoutATrace()
    {
        await using var rig = await RetentionRig.StartAsync();
        var now = rig.Time.GetUtcNow();
        await rig.Tables.Lookups.AddEntityAsync(new TableEntity(RowKeys.StripeEventRecordPartition("unmatched", "charge.refunded"), "evt_a") { ["ReceivedAt"] = now });
        await rig.Tables.Lookups.AddEntityAsync(new TableEntity(RowKeys.StripeEventRecordPartition("unmatched", "charge.refunded"), "evt_b") { ["ReceivedAt"] = now.AddMinutes(5) });
        var backfill = new RetentionBackfill(rig.Tables, rig.Index, new AuditTrail(rig.Tables, rig.Time, NullLogger<AuditTrail>.Instance));
        const string Records = "2.";

        var first = await backfill.FileAsync("staff-1", new PageQuery(50, Records), CancellationToken.None);
        var again = await backfill.FileAsync("staff-1", new PageQuery(50, Records), CancellationToken.None);
        var audited = await RetentionRig.CountAsync(rig.Tables.Audit);

        Assert.Equal(first, again);
        Assert.Equal(new BackfillPage("event-records", 2, 2, null), first);
        Assert.Equal(2, await RetentionRig.CountAsync(rig.Tables.Lookups, KeyFilters.PartitionsStartingWith(RowKeys.RetentionPrefix)));
        // Filed under the last minute of their hour (12:00 and 12:05 both under 12:59): one index partition, one transaction.
        var buckets = new HashSet<string>();
        await foreach (var entry in rig.Tables.Lookups.QueryAsync<TableEntity>(KeyFilters.PartitionsStartingWith(RowKeys.RetentionPrefix), select: ["PartitionKey"]))
        {
            buckets.Add(entry.PartitionKey);
        }

        Assert.Equal([RowKeys.RetentionBucket("event-record", new DateTimeOffset(2026, 12, 6, 12, 59, 0, TimeSpan.Zero))], buckets);
        foreach (var refused in new[] { "3.", "x.", "0", "12.", "0.!!not-ours", "1." + new string('A', 40) })
        {
            Assert.Null(await backfill.FileAsync("staff-1", new PageQuery(50, refused), CancellationToken.None));
        }

        Assert.Equal(audited, await RetentionRig.CountAsync(rig.Tables.Audit));
        Assert.Equal(2, await RetentionRig.CountAsync(rig.Tables.Lookups, KeyFilters.PartitionsStartingWith(RowKeys.RetentionPrefix)));
    }

    private static TableTransactionAction Add(TableEntity row) => new(TableTransactionActionType.Add, row);
}
