using System.Net;
using System.Text.Json;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments.Refunds;

/// POST /api/admin/bookings/{id}/refunds for tokens with the role payments.admin.
[Collection(AppHostGroup.Name)]
public sealed class StaffRefundTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task TwoPartialRefundsAreRecordedAndPublishedAndOneBeyondTheRemainderIsA409()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var staffId = NewUser("staff-1");
        using var staff = host.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);

        var first = await StaffRefundAsync(staff, bookingId, 1000, "requested_by_customer", "staff-refund-1");
        var second = await StaffRefundAsync(staff, bookingId, 1500, "duplicate");
        var tooMuch = await StaffRefundAsync(staff, bookingId, 2501);
        var tooMuchWithKey = await StaffRefundAsync(staff, bookingId, 2501, idempotencyKey: "staff-refund-3");
        var booking = await TestBookings.EventuallyAsync(() => GetAsync(alice, $"/api/bookings/{bookingId}"), b => b.Number("amountRefunded") == 2500, $"booking {bookingId} to show 2500 refunded");

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(1000, first.Json.GetProperty("refund").GetProperty("amount").GetInt64());
        Assert.Equal("staff", first.Json.GetProperty("refund").GetProperty("kind").GetString());
        Assert.Equal(1000, first.Number("amountRefunded"));
        Assert.Equal(HttpStatusCode.Accepted, second.Status);
        Assert.Equal(2500, second.Number("amountRefunded"));
        tooMuch.AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains("At most 2500", tooMuch.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        tooMuchWithKey.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("CONFIRMED", booking.Text("status"));
        Assert.Equal(2500, booking.Number("amountRefunded"));

        Assert.Equal([1500L, 1000L], host.EmulatorState.RefundsOf(intentId).Select(r => (long)r["amount"]!).OrderDescending());
        var rows = await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(staffId, r.GetString("RequestedBy")));
        var published = host.InProcess!.Published
            .Where(m => m.Topic == EventTypes.PaymentsTopic && m.BookingId == bookingId && m.Subject == EventTypes.ShortName(EventTypes.TypeOf(typeof(PaymentRefunded))))
            .Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("data").GetProperty("amountRefunded").GetInt64())
            .Order();
        Assert.Equal([1000L, 2500L], published);
    }

    [Fact]
    public async Task RefundingWhatIsLeftCancelsTheBookingAndNothingMoreCanBeRefunded()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var staff = host.ClientFor(NewUser("staff-1"), AuthSetup.PaymentsAdminRole);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);

        Assert.Equal(HttpStatusCode.Accepted, (await StaffRefundAsync(staff, bookingId, 2000)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await StaffRefundAsync(staff, bookingId, 3000)).Status);
        var cancelled = await StatusEventuallyAsync(alice, bookingId, BookingStatus.CANCELLED);
        var more = await StaffRefundAsync(staff, bookingId, 1);
        var ownersCancel = await CancelAsync(alice, bookingId);

        Assert.Equal("refunded", cancelled.Json.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString());
        more.AssertProblem(HttpStatusCode.Conflict);
        ownersCancel.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(2, host.EmulatorState.RefundsOf(intentId).Count);
    }

    [Fact]
    public async Task ACrashAfterStripesRefundIsRetriedUnderTheSameIdempotencyKeyWithoutASecondRefund()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var staff = host.ClientFor(NewUser("staff-1"), AuthSetup.PaymentsAdminRole);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        var fired = 0;
        host.Faults.Rule = point => point == FaultInjection.RefundAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;

        var crashed = await StaffRefundAsync(staff, bookingId, 4000, idempotencyKey: "staff-crash");
        await TestBookings.EventuallyAsync(() => GetAsync(alice, $"/api/bookings/{bookingId}"), b => b.Number("amountRefunded") == 4000, $"booking {bookingId} to show 4000 refunded");
        var retried = await StaffRefundAsync(staff, bookingId, 4000, idempotencyKey: "staff-crash");

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        Assert.Equal(HttpStatusCode.Accepted, retried.Status);
        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal((string?)refund["id"], retried.Json.GetProperty("refund").GetProperty("id").GetString());
        Assert.Single(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
    }

    [Fact]
    public async Task WithoutAnIdempotencyKeyItIs400NamingTheHeaderAndADoubleClickUnderOneKeyRefundsOnce()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var staff = host.ClientFor(NewUser("staff-1"), AuthSetup.PaymentsAdminRole);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        var path = $"/api/admin/bookings/{bookingId}/refunds";
        const string Json = """{"amount":1000,"reason":"duplicate"}""";

        var noKey = await PostAsync(staff, path, Json);
        var noKeyAgain = await PostAsync(staff, path, Json);
        var badKey = await PostAsync(staff, path, Json, idempotencyKey: "two words");
        var nothingYet = await GetAsync(alice, $"/api/bookings/{bookingId}");
        var clicks = await Task.WhenAll(StaffRefundAsync(staff, bookingId, 1000, "duplicate", "click-1"), StaffRefundAsync(staff, bookingId, 1000, "duplicate", "click-1"));
        var again = await StaffRefundAsync(staff, bookingId, 1000, "duplicate", "click-1");

        foreach (var refused in new[] { noKey, noKeyAgain })
        {
            refused.AssertProblem(HttpStatusCode.BadRequest);
            Assert.Equal("Idempotency-Key required", refused.Json.GetProperty("title").GetString());
            Assert.True(refused.Json.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), refused.Body);
        }

        badKey.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(0, nothingYet.Number("amountRefunded"));
        Assert.Contains(clicks, c => c.Status == HttpStatusCode.Accepted);
        Assert.All(clicks, c => Assert.True(c.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, c.Body));
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal(1000, again.Number("amountRefunded"));
        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal(1000L, (long)refund["amount"]!);
        Assert.Single(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
    }

    [Fact]
    public async Task WithoutTheRoleItIs403AndBadInputOrAnUnpaidBookingChangesNothing()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var staff = host.ClientFor(NewUser("staff-1"), AuthSetup.PaymentsAdminRole);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        var unpaid = await NewBookingIdAsync(alice);
        var path = $"/api/admin/bookings/{bookingId}/refunds";

        var owner = await StaffRefundAsync(alice, bookingId, 100);
        var zero = await StaffRefundAsync(staff, bookingId, 0);
        var badReason = await StaffRefundAsync(staff, bookingId, 100, "because");
        var text = await PostAsync(staff, path, """{"amount":"100","reason":"duplicate"}""", "bad-1");
        var missing = await PostAsync(staff, path, """{"reason":"duplicate"}""", "bad-2");
        var notJson = await PostAsync(staff, path, "amount=100", "bad-3", contentType: "text/plain");
        var notPaid = await StaffRefundAsync(staff, unpaid, 100);
        var noBooking = await StaffRefundAsync(staff, "bk_00000000000000000000000000", 100);

        owner.AssertProblem(HttpStatusCode.Forbidden);
        foreach (var bad in new[] { zero, badReason, text, missing })
        {
            bad.AssertProblem(HttpStatusCode.BadRequest);
        }

        notJson.AssertProblem(HttpStatusCode.UnsupportedMediaType);
        notPaid.AssertProblem(HttpStatusCode.Conflict);
        noBooking.AssertProblem(HttpStatusCode.NotFound);
        Assert.Empty(host.EmulatorState.RefundsOf(intentId));
        Assert.Empty(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
    }
}
