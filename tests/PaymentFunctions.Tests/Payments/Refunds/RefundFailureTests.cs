using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments.Refunds;

/// A refund Stripe accepted and that failed later (test card pm_card_refundFail), through the whole app.
[Collection(AppHostGroup.Name)]
public sealed class RefundFailureTests(InProcessAppHost fixture)
{
    private const string Reason = "expired_or_canceled_card";

    [Fact]
    public async Task ACancelWhoseRefundFailsLaterLeavesTheBookingRefundFailedNotRefunded()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice, paymentMethod: "pm_card_refundFail");

        var cancel = await CancelAsync(alice, bookingId);
        var flagged = await StatusEventuallyAsync(alice, bookingId, BookingStatus.REFUND_FAILED);
        var again = await CancelAsync(alice, bookingId);
        var payment = await GetAsync(alice, $"/api/payments/{bookingId}");

        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);
        Assert.Equal("succeeded", cancel.Json.GetProperty("refund").GetProperty("status").GetString());
        var refundId = cancel.Json.GetProperty("refund").GetProperty("id").GetString()!;
        Assert.Equal(0, flagged.Number("amountRefunded"));
        var shown = Assert.Single(flagged.Json.GetProperty("refunds").EnumerateArray());
        Assert.Equal(refundId, shown.GetProperty("id").GetString());
        Assert.Equal("failed", shown.GetProperty("status").GetString());
        Assert.Equal(Reason, shown.GetProperty("failureReason").GetString());
        Assert.Equal(0, payment.Json.GetProperty("payment").GetProperty("amountRefunded").GetInt64());

        var row = Assert.Single(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
        Assert.Equal("failed", row.GetString("Status"));
        Assert.Equal(Reason, row.GetString("FailureReason"));
        Assert.Equal("cancel", row.GetString("Kind"));
        Assert.Equal(aliceId, row.GetString("RequestedBy"));

        var events = host.InProcess!.Published.Where(m => m.Topic == EventTypes.BookingsTopic && m.BookingId == bookingId).ToList();
        var flag = Assert.Single(events, m => m.Subject == "booking_refund_failed");
        Assert.Contains(refundId, flag.Body, StringComparison.Ordinal);
        Assert.Contains(Reason, flag.Body, StringComparison.Ordinal);

        // The cancel does not ask Stripe again (its key would replay the failed refund): a 409 naming the failure.
        again.AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains(Reason, again.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single(host.EmulatorState.RefundsOf(intentId));
    }

    [Fact]
    public async Task StaffReadAnyBookingWithItsFailedRefundAndOthersCannot()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var bob = host.ClientFor(NewUser("bob"));
        using var staff = host.ClientFor(NewUser("staff-1"), "payments.admin");
        var (bookingId, _) = await PaidBookingAsync(host, alice, paymentMethod: "pm_card_refundFail");
        Assert.Equal(HttpStatusCode.Accepted, (await CancelAsync(alice, bookingId)).Status);
        var owners = await StatusEventuallyAsync(alice, bookingId, BookingStatus.REFUND_FAILED);

        var staffs = await GetAsync(staff, $"/api/admin/bookings/{bookingId}");
        var notStaff = await GetAsync(bob, $"/api/admin/bookings/{bookingId}");
        var unknown = await GetAsync(staff, "/api/admin/bookings/bk_00000000000000000000000000");

        Assert.Equal(HttpStatusCode.OK, staffs.Status);
        Assert.Equal(owners.Json.GetRawText(), staffs.Json.GetRawText());
        var refund = Assert.Single(staffs.Json.GetProperty("refunds").EnumerateArray());
        Assert.Equal(("failed", Reason), (refund.GetProperty("status").GetString(), refund.GetProperty("failureReason").GetString()));
        notStaff.AssertProblem(HttpStatusCode.Forbidden);
        unknown.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StaffRefundABookingWhoseRefundFailedAgainUnderANewKey()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var staff = host.ClientFor(NewUser("staff-1"), "payments.admin");
        var (bookingId, intentId) = await PaidBookingAsync(host, alice, paymentMethod: "pm_card_refundFail");
        Assert.Equal(HttpStatusCode.Accepted, (await CancelAsync(alice, bookingId)).Status);
        await StatusEventuallyAsync(alice, bookingId, BookingStatus.REFUND_FAILED);

        var retry = await StaffRefundAsync(staff, bookingId, 5000);
        // The same card fails again: the booking stays flagged, now for the newer refund.
        var secondId = retry.Json.GetProperty("refund").GetProperty("id").GetString()!;
        var booking = await TestBookings.EventuallyAsync(
            () => GetAsync(alice, $"/api/bookings/{bookingId}"),
            b => b.Json.GetProperty("refunds").EnumerateArray().Count(r => r.GetProperty("status").GetString() == "failed") == 2,
            $"booking {bookingId} to show both refunds failed");

        Assert.True(retry.Status == HttpStatusCode.Accepted, retry.Body);
        Assert.Equal("REFUND_FAILED", retry.Text("bookingStatus"));
        Assert.Equal(5000, retry.Number("amountRefunded")); // Stripe answered the new refund "succeeded"; it fails later
        // Staff see the refund that failed, and why, in their answer.
        var first = Assert.Single(retry.Json.GetProperty("refunds").EnumerateArray(), r => r.GetProperty("id").GetString() != secondId);
        Assert.Equal(("failed", Reason), (first.GetProperty("status").GetString(), first.GetProperty("failureReason").GetString()));
        Assert.Equal(2, host.EmulatorState.RefundsOf(intentId).Count);
        Assert.Equal("REFUND_FAILED", booking.Text("status"));
        Assert.Contains(secondId, booking.Json.GetProperty("refunds").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var rows = await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("failed", r.GetString("Status")));
        (await CancelAsync(alice, bookingId)).AssertProblem(HttpStatusCode.Conflict);
    }
}
