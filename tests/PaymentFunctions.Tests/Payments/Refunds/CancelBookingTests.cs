using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Payments.Refunds;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments.Refunds;

/// POST /api/bookings/{id}/cancel through the whole app: emulator, webhooks, in-process transport, consumer.
[Collection(AppHostGroup.Name)]
public sealed class CancelBookingTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task APaidBookingIsRefundedInFullAndBecomesCancelledRefundedWithItsHistory()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);

        var cancel = await CancelAsync(alice, bookingId, "cancel-1");
        var cancelled = await StatusEventuallyAsync(alice, bookingId, BookingStatus.CANCELLED);
        var again = await CancelAsync(alice, bookingId);

        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);
        Assert.Equal($"/api/bookings/{bookingId}", cancel.Response.Headers.Location?.OriginalString);
        var refund = cancel.Json.GetProperty("refund");
        Assert.StartsWith("re_", refund.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(5000, refund.GetProperty("amount").GetInt64());
        Assert.Equal("EUR", refund.GetProperty("currency").GetString());
        Assert.Equal("pending", refund.GetProperty("status").GetString());
        Assert.Equal("cancel", refund.GetProperty("kind").GetString());
        Assert.Equal("CONFIRMED", cancel.Text("bookingStatus"));

        var history = cancelled.Json.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["PENDING", "CONFIRMED", "CANCELLED"], history.Select(h => h.GetProperty("to").GetString()));
        Assert.Equal("refunded", history[^1].GetProperty("reason").GetString());
        // charge.refunded or the refund's own refund.created, whichever the consumer applied first.
        Assert.Contains(history[^1].GetProperty("cause").GetString(), new[] { typeof(PaymentFunctions.Contracts.PaymentRefunded), typeof(PaymentFunctions.Contracts.RefundUpdated) }.Select(EventTypes.TypeOf));
        Assert.Equal(5000, cancelled.Number("amountRefunded"));
        Assert.Contains(host.InProcess!.Published, m => m.Topic == EventTypes.BookingsTopic && m.Subject == "booking_cancelled" && m.BookingId == bookingId);

        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal(refund.GetProperty("id").GetString(), again.Json.GetProperty("refund").GetProperty("id").GetString());
        Assert.Equal("CANCELLED", again.Text("bookingStatus"));
        var atStripe = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal(intentId, (string?)atStripe["payment_intent"]);
        Assert.Equal("requested_by_customer", (string?)atStripe["reason"]);
        Assert.Equal(bookingId, (string?)atStripe["metadata"]!["bookingId"]);
    }

    [Fact]
    public async Task AnUnpaidBookingsIntentIsCanceledAtStripeAndTheBookingIsCancelledAtOnce()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice);
        var intentId = (await CreateIntentAsync(alice, bookingId)).Text("paymentIntentId");
        var withoutIntent = await NewBookingIdAsync(alice);

        var cancel = await CancelAsync(alice, bookingId);
        var again = await CancelAsync(alice, bookingId);
        var pay = await CreateIntentAsync(alice, bookingId);
        var noIntentCancel = await CancelAsync(alice, withoutIntent);
        var booking = await GetAsync(alice, $"/api/bookings/{bookingId}");

        Assert.Equal(HttpStatusCode.OK, cancel.Status);
        Assert.Equal("CANCELLED", cancel.Text("bookingStatus"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cancel.Json.GetProperty("refund").ValueKind);
        Assert.Equal("canceled", (string?)host.EmulatorState.FindPaymentIntent(intentId)!["status"]);
        Assert.Equal("requested_by_customer", (string?)host.EmulatorState.FindPaymentIntent(intentId)!["cancellation_reason"]);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        pay.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, noIntentCancel.Status);
        var last = booking.Json.GetProperty("history").EnumerateArray().Last();
        Assert.Equal("CANCELLED", last.GetProperty("to").GetString());
        Assert.Equal("cancelled_by_customer", last.GetProperty("reason").GetString());
        Assert.Equal(BookingCancellation.Cause, last.GetProperty("cause").GetString());
        Assert.Empty(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal(2, booking.Json.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task TwentyParallelCancelsOfAPaidBookingMakeOneRefundAtStripe()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CancelAsync(alice, bookingId)));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Accepted, $"{a.Status}: {a.Body}"));
        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.All(answers, a => Assert.Equal((string?)refund["id"], a.Json.GetProperty("refund").GetProperty("id").GetString()));
        Assert.Single(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
        await StatusEventuallyAsync(alice, bookingId, BookingStatus.CANCELLED);
    }

    [Fact]
    public async Task ADisputedBookingIsA409AndOnlyItsOwnerMayCancel()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var mallory = host.ClientFor(NewUser("mallory"));
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);

        var foreign = await CancelAsync(mallory, bookingId);
        var missing = await CancelAsync(alice, "bk_00000000000000000000000000");
        var noToken = await CancelAsync(anonymous, bookingId);
        var opened = await StripeEvents.PostAsync(host.Client, StripeEvents.Dispute("charge.dispute.created", "du_cancel", intentId, 5000, "needs_response"));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        await StatusEventuallyAsync(alice, bookingId, BookingStatus.DISPUTED);
        var disputed = await CancelAsync(alice, bookingId);

        foreign.AssertProblem(HttpStatusCode.NotFound);
        missing.AssertProblem(HttpStatusCode.NotFound);
        noToken.AssertProblem(HttpStatusCode.Unauthorized);
        disputed.AssertProblem(HttpStatusCode.Conflict);
        Assert.Empty(host.EmulatorState.RefundsOf(intentId));
        Assert.Empty(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
    }
}
