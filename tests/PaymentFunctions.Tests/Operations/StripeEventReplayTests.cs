using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Operations.OperatorCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Operations;

/// POST /api/admin/stripe-events/{id}/replay and GET /api/admin/attention/stripe-events: an event no booking claimed is
/// listed, its source fixed, and the replay by id stores it through the webhook pipeline once.
[Collection(AppHostGroup.Name)]
public sealed class StripeEventReplayTests(InProcessAppHost fixture)
{
    private const string Succeeded = "payment_intent.succeeded";

    [Fact]
    public async Task AnUnmatchedEventFixedAtItsSourceIsReplayedByIdAndConfirmsItsBookingOnce()
    {
        var host = fixture.Host;
        var staffId = NewUser("staff");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        using var stripe = host.StripeClientForTests();
        // Paid at Stripe for a booking this app does not hold (yet): the webhook finds no booking and records the event.
        var bookingId = new BookingIds().Next();
        var intentId = await EmulatorCalls.CreateIntentAsync(stripe, bookingId);
        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa")).StatusCode);
        var eventId = (string)host.EmulatorState.Events.Single(e => (string?)e["type"] == Succeeded && (string?)e["data"]!["object"]!["id"] == intentId)["id"]!;
        var listed = await TestBookings.EventuallyAsync(
            async () => (await AllPagesAsync(staff, $"/api/admin/attention/stripe-events?kind=unmatched&type={Succeeded}")).Items,
            items => items.Any(i => i.GetProperty("eventId").GetString() == eventId),
            $"{eventId} to be listed as unmatched");

        // The source is fixed: the booking (with the intent it issued) is back.
        await TestBookings.SeedAsync(host, id: bookingId, issuedIntentId: intentId);
        var replayed = await ReplayAsync(staff, eventId, "replay-1");
        var confirmed = await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(host, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED by the replay");
        var again = await ReplayAsync(staff, eventId, "replay-2");
        var sameKey = await ReplayAsync(staff, eventId, "replay-1");

        var record = Assert.Single(listed, i => i.GetProperty("eventId").GetString() == eventId);
        Assert.Equal(Succeeded, record.GetProperty("type").GetString());
        Assert.Equal("unmatched", record.GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.OK, replayed.Status);
        Assert.Equal((eventId, bookingId, "Stored"), (replayed.Text("eventId"), replayed.Text("bookingId"), replayed.Text("outcome")));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("AlreadyStored", again.Text("outcome"));
        Assert.True(sameKey.Replayed, "the same Idempotency-Key answers the stored answer");
        // Once: one inbox row for the event, one payment message, one move to CONFIRMED.
        Assert.Single(await TestBookings.RowsAsync(host, bookingId, RowKeys.StripeInbox(eventId)));
        Assert.Single(host.InProcess!.Published, m => m.MessageId.StartsWith(eventId + ":", StringComparison.Ordinal));
        await TestBookings.EventuallyAsync(() => TestBookings.RowsAsync(host, bookingId, RowKeys.HistoryPrefix), rows => rows.Count == 1, "the one history row");
        Assert.Equal(BookingStatus.CONFIRMED, confirmed.Status);
        // It needs no person any more.
        Assert.Null(await host.Tables.Lookups.FindAsync(RowKeys.StripeEventRecordPartition("unmatched", Succeeded), RowKeys.StripeEventRecordRow(eventId), CancellationToken.None));
        var trail = await AuditAsync(staff, bookingId);
        Assert.Equal(
            [("stripe-event.replay", "requested", null), ("stripe-event.replay", "done", "Stored"), ("stripe-event.replay", "requested", null), ("stripe-event.replay", "done", "Duplicate")],
            trail);
        var entries = (await AllPagesAsync(staff, $"/api/admin/bookings/{bookingId}/audit")).Items;
        Assert.All(entries.Take(4), e => Assert.Equal((staffId, eventId), (e.GetProperty("actor").GetString(), e.GetProperty("target").GetString())));
        Assert.Equal(["replay-1", "replay-1", "replay-2", "replay-2"], entries.Take(4).Select(e => e.GetProperty("idempotencyKey").GetString()));
    }

    [Fact]
    public async Task ARefusedReplayStoresNothingAndSaysWhy()
    {
        var host = fixture.Host;
        var staffId = NewUser("staff");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        using var alice = host.ClientFor(NewUser("alice"));
        const string Unknown = "evt_000000000000000000unknown";

        var notStaff = await ReplayAsync(alice, Unknown);
        var noKey = await PostAsync(staff, $"/api/admin/stripe-events/{Unknown}/replay", "");
        var notAnEvent = await ReplayAsync(staff, "pi_123");
        var atStripe = await ReplayAsync(staff, Unknown, "unknown-1");

        notStaff.AssertProblem(HttpStatusCode.Forbidden);
        noKey.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal("Idempotency-Key required", noKey.Text("title"));
        notAnEvent.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(notAnEvent.Json.GetProperty("errors").TryGetProperty("id", out _), notAnEvent.Body);
        atStripe.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, await IdempotencyRowsAsync(host, staffId));
        // Only the call that reached Stripe is in the trail (the day's, as no booking is known), as refused.
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var mine = (await AllPagesAsync(staff, $"/api/admin/audit?day={day}")).Items.Where(e => e.GetProperty("actor").GetString() == staffId).ToList();
        Assert.Equal([("stripe-event.replay", "refused", "NotFound")], mine.Select(Row).Where(r => r.Action == "stripe-event.replay"));
    }

    [Fact]
    public async Task TheAttentionListIsForStaffPagedAndRefusesWhatItCannotServe()
    {
        var host = fixture.Host;
        var staffId = NewUser("staff");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        using var alice = host.ClientFor(NewUser("alice"));
        // Three records of a type of this test alone, so the pages hold only them.
        var type = $"payment_intent.t{Guid.NewGuid():N}"[..40];
        foreach (var id in new[] { "evt_a1", "evt_a2", "evt_a3" })
        {
            await host.Tables.Lookups.AddCheckedAsync(new Azure.Data.Tables.TableEntity(RowKeys.StripeEventRecordPartition("unmatched", type), RowKeys.StripeEventRecordRow(id)) { ["ReceivedAt"] = DateTimeOffset.UtcNow }, CancellationToken.None);
        }

        var path = $"/api/admin/attention/stripe-events?kind=unmatched&type={type}";
        var first = await GetAsync(staff, path + "&pageSize=2");
        var second = await GetAsync(staff, path + "&pageSize=2&cursor=" + Uri.EscapeDataString(first.Json.GetProperty("next").GetString()!));

        Assert.Equal(["evt_a1", "evt_a2"], first.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("eventId").GetString()));
        Assert.Equal(["evt_a3"], second.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("eventId").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.Json.GetProperty("next").ValueKind);
        (await GetAsync(alice, path)).AssertProblem(HttpStatusCode.Forbidden);
        foreach (var bad in new[] { "?kind=ignored", "", "?kind=unmatched&pageSize=0", "?kind=unmatched&pageSize=201", "?kind=unmatched&cursor=%%%", "?kind=unmatched&kind=unprocessable", "?kind=unmatched&type=Not%20A%20Type" })
        {
            (await GetAsync(staff, "/api/admin/attention/stripe-events" + bad)).AssertProblem(HttpStatusCode.BadRequest);
        }

        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var lists = (await AllPagesAsync(staff, $"/api/admin/audit?day={day}")).Items.Where(e => e.GetProperty("actor").GetString() == staffId).Select(Row).Where(r => r.Action == "stripe-events.list").ToList();
        Assert.Equal([("stripe-events.list", "read", "2 item(s), more"), ("stripe-events.list", "read", "1 item(s)")], lists.Take(2));
    }
}
