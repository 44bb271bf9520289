using System.Net;
using Azure.Data.Tables;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Operations.OperatorCalls;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Operations;

/// Every staff action leaves an append-only row (who, what, when, which booking, amount, Idempotency-Key, outcome),
/// listed per booking with GET /api/admin/bookings/{id}/audit; and GET /api/admin/outbox/stuck.
[Collection(AppHostGroup.Name)]
public sealed class AuditTrailTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task AStaffReadAndARefundAreInTheBookingsTrailAndARetryUnderTheSameKeyAddsNothing()
    {
        var host = fixture.Host;
        var ownerId = NewUser("alice");
        using var alice = host.ClientFor(ownerId);
        var staffId = NewUser("staff");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        var (bookingId, _) = await PaidBookingAsync(host, alice);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(staff, $"/api/admin/bookings/{bookingId}")).Status);
        var refund = await StaffRefundAsync(staff, bookingId, 1000, idempotencyKey: "audit-refund-1");
        var retry = await StaffRefundAsync(staff, bookingId, 1000, idempotencyKey: "audit-refund-1");
        var tooMuch = await StaffRefundAsync(staff, bookingId, 999_999, idempotencyKey: "audit-refund-2");
        var ownersOwnRead = await GetAsync(alice, $"/api/bookings/{bookingId}");
        var entries = (await AllPagesAsync(staff, $"/api/admin/bookings/{bookingId}/audit")).Items;

        Assert.Equal(HttpStatusCode.Accepted, refund.Status);
        Assert.True(retry.Replayed);
        tooMuch.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, ownersOwnRead.Status);
        var refundId = refund.Json.GetProperty("refund").GetProperty("id").GetString();
        var refundStatus = refund.Json.GetProperty("refund").GetProperty("status").GetString();
        Assert.Equal(
            [
                ("booking.read", "read", $"owner {ownerId}"),
                ("refund", "requested", null), ("refund", "done", $"refund {refundId} {refundStatus}"),
                ("refund", "requested", null), ("refund", "done", "Conflict"),
            ],
            entries.Select(Row));
        Assert.All(entries, e => Assert.Equal((staffId, bookingId), (e.GetProperty("actor").GetString(), e.GetProperty("bookingId").GetString())));
        var asked = entries[1];
        Assert.Equal((1000, "EUR", "audit-refund-1"), (asked.GetProperty("amount").GetInt64(), asked.GetProperty("currency").GetString(), asked.GetProperty("idempotencyKey").GetString()));
        Assert.Equal(asked.GetProperty("actionId").GetString(), entries[2].GetProperty("actionId").GetString());
        Assert.True(entries[0].GetProperty("at").GetDateTimeOffset() <= entries[1].GetProperty("at").GetDateTimeOffset());
        // Reading the trail is recorded too, apart from the trails (in the booking's, each page would add a row to read).
        var read = Assert.Single(await TrailReadsAsync(host, staffId));
        Assert.Equal(("audit.read", "booking " + bookingId, "5 item(s)"), (read.GetString("Action"), read.GetString("Target"), read.GetString("Outcome")));
    }

    [Fact]
    public async Task TheTrailIsPagedInTimeOrderAndRefusalsChangeNothing()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var staffId = NewUser("staff");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        var bookingId = await NewBookingIdAsync(alice);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(staff, $"/api/admin/bookings/{bookingId}")).Status);
        }

        var (paged, pages) = await AllPagesAsync(staff, $"/api/admin/bookings/{bookingId}/audit", pageSize: 2);
        var before = await SpaCalls.CountRowsAsync(host.Tables.Audit, KeyFilters.InPartition(RowKeys.AuditBookingPartition(bookingId)));
        var owner = await GetAsync(alice, $"/api/admin/bookings/{bookingId}/audit");
        var badSize = await GetAsync(staff, $"/api/admin/bookings/{bookingId}/audit?pageSize=x");
        var badDay = await GetAsync(staff, "/api/admin/audit?day=yesterday");

        Assert.Equal(3, pages);
        Assert.Equal(5, paged.Count);
        Assert.All(paged, e => Assert.Equal("booking.read", e.GetProperty("action").GetString()));
        var times = paged.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        owner.AssertProblem(HttpStatusCode.Forbidden);
        badSize.AssertProblem(HttpStatusCode.BadRequest);
        badDay.AssertProblem(HttpStatusCode.BadRequest);
        // The five reads; the three pages of the trail are trail reads, and the refused calls wrote nothing.
        Assert.Equal(5, before);
        Assert.Equal(before, await SpaCalls.CountRowsAsync(host.Tables.Audit, KeyFilters.InPartition(RowKeys.AuditBookingPartition(bookingId))));
        Assert.Equal(["2 item(s), more", "2 item(s), more", "1 item(s)"], (await TrailReadsAsync(host, staffId)).Select(r => r.GetString("Outcome")));
    }

    /// One staff user's reads of the trail today, oldest first (the API does not list them: they would read themselves).
    private static async Task<List<TableEntity>> TrailReadsAsync(PaymentAppHost host, string staffId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in host.Tables.Audit.QueryAsync<TableEntity>(KeyFilters.InPartition(RowKeys.AuditTrailReadsPartition(DateTimeOffset.UtcNow))))
        {
            if (row.GetString("Actor") == staffId)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    [Fact]
    public async Task EveryOperatorRouteRefusesOtherTokensWith403AndBadInputWith400AndNeitherWritesARow()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var staffId = NewUser("staff");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        string[] lists = ["/api/admin/attention/stripe-events?kind=unmatched", "/api/admin/dead-letters", "/api/admin/outbox/stuck", "/api/admin/bookings/bk_x/audit", "/api/admin/audit?day=2026-12-01"];
        string[] changes = ["/api/admin/stripe-events/evt_x/replay", "/api/admin/dead-letters/m1/requeue", "/api/admin/retention/backfill"];

        var forbidden = new List<Answer>();
        foreach (var path in lists)
        {
            forbidden.Add(await GetAsync(alice, path));
        }

        foreach (var path in changes)
        {
            forbidden.Add(await PostAsync(alice, path, "", "key-1"));
        }

        Answer[] invalid =
        [
            await GetAsync(staff, "/api/admin/dead-letters?pageSize=0"),
            await GetAsync(staff, "/api/admin/dead-letters?cursor=" + new string('a', 3000)),
            await GetAsync(staff, "/api/admin/outbox/stuck?olderThanMinutes=abc"),
            await GetAsync(staff, "/api/admin/outbox/stuck?olderThanMinutes=10081"),
            await PostAsync(staff, "/api/admin/dead-letters/m1/requeue", ""),
            await PostAsync(staff, "/api/admin/dead-letters/m1/requeue?sequenceNumber=abc", "", "key-2"),
            await PostAsync(staff, "/api/admin/dead-letters/m1/requeue?sequenceNumber=1&sequenceNumber=2", "", "key-3"),
            await PostAsync(staff, "/api/admin/stripe-events/evt_x/replay", "", "two words"),
            await PostAsync(staff, "/api/admin/retention/backfill?cursor=7.", ""),
            await PostAsync(staff, "/api/admin/retention/backfill?cursor=0.not-a-position", ""),
            await PostAsync(staff, "/api/admin/retention/backfill?pageSize=201", ""),
        ];

        Assert.All(forbidden, a => a.AssertProblem(HttpStatusCode.Forbidden));
        Assert.All(invalid, a => a.AssertProblem(HttpStatusCode.BadRequest));
        var today = await SpaCalls.CountRowsAsync(host.Tables.Audit, KeyFilters.InPartition(RowKeys.AuditDayPartition(DateTimeOffset.UtcNow)) + $" and (Actor eq '{aliceId}' or Actor eq '{staffId}')");
        Assert.Equal(0, today);
        Assert.Equal(0, await IdempotencyRowsAsync(host, staffId));
    }

    [Fact]
    public async Task ARetentionBackfillPageIsAnsweredWithItsNextCursorAndIsInTheDaysTrail()
    {
        var host = fixture.Host;
        var staffId = NewUser("staff");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);

        var page = await PostAsync(staff, "/api/admin/retention/backfill?pageSize=1", "");
        var trail = (await AllPagesAsync(staff, $"/api/admin/audit?day={DateTimeOffset.UtcNow:yyyy-MM-dd}")).Items
            .Where(e => e.GetProperty("actor").GetString() == staffId).Select(Row).ToList();

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("inbox", page.Json.GetProperty("scan").GetString());
        // Then the rest of the inbox scan ("0."), or the next scan's start ("1.") on a host with at most one inbox row.
        Assert.Matches("^[01][.]", page.Json.GetProperty("next").GetString());
        Assert.Equal([("retention.backfill", "requested", null), ("retention.backfill", "done", $"{page.Json.GetProperty("rows").GetInt32()} rows, {page.Json.GetProperty("entries").GetInt32()} entries filed")], trail);
    }

    [Fact]
    public async Task StuckOutboxEntriesAreListedOldestFirstAPageAtATime()
    {
        var host = fixture.Host;
        using var staff = host.ClientFor(NewUser("staff"), AuthSetup.PaymentsAdminRole);
        await host.Tables.EnsureCreatedAsync(CancellationToken.None);
        // Entries older than any other in the index: what a sweeper that keeps failing leaves behind.
        var bookings = Enumerable.Range(0, 3).Select(_ => new PaymentFunctions.Bookings.Domain.BookingIds().Next()).ToList();
        var at = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < bookings.Count; i++)
        {
            await host.Tables.Lookups.UpsertCheckedAsync(
                new TableEntity(RowKeys.PendingOutboxBucket(at.AddMinutes(i)), RowKeys.PendingOutboxRow(bookings[i], "cause")) { ["BookingId"] = bookings[i], ["Cause"] = "cause", ["MarkedAt"] = at.AddMinutes(i) },
                TableUpdateMode.Replace,
                CancellationToken.None);
        }

        var first = await GetAsync(staff, "/api/admin/outbox/stuck?olderThanMinutes=60&pageSize=2");
        var second = await GetAsync(staff, "/api/admin/outbox/stuck?olderThanMinutes=60&pageSize=2&cursor=" + Uri.EscapeDataString(first.Json.GetProperty("next").GetString()!));
        var badAge = await GetAsync(staff, "/api/admin/outbox/stuck?olderThanMinutes=0");

        Assert.Equal(bookings[..2], first.Json.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("bookingId").GetString()));
        Assert.Equal(bookings[2], second.Json.GetProperty("items")[0].GetProperty("bookingId").GetString());
        Assert.Equal(at, first.Json.GetProperty("items")[0].GetProperty("markedAt").GetDateTimeOffset());
        badAge.AssertProblem(HttpStatusCode.BadRequest);
    }
}
