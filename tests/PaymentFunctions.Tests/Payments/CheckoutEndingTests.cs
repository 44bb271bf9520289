using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// How a booking's Checkout Session ends other than by paying: its hold runs out or its owner cancels (the session is
/// expired at Stripe before the seats are released), or, paid, its owner cancels and it is refunded.
[Collection(AppHostGroup.Name)]
public sealed class CheckoutEndingTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Fact]
    public async Task AHoldThatRanOutExpiresTheSessionAtStripeAndCancelsTheBooking()
    {
        using var carol = _host.ClientFor(NewUser("carol"));
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(carol);
        var created = await CreateCheckoutSessionAsync(carol, bookingId);
        await RunOutTheHoldAsync(bookingId);

        (await FunctionsHostCalls.FireTimerAsync(_host, PaymentFunctions.Payments.BookingExpiry.Name)).AssertSucceeded();

        var session = _host.EmulatorState.FindCheckoutSession(created.Text("sessionId"))!;
        Assert.Equal("expired", (string?)session["status"]);
        // Cancelled by the expiry, or a moment earlier by the session's own checkout.session.expired: either way, once.
        var cancelled = await TestBookings.LoadAsync(_host, bookingId);
        Assert.Equal(BookingStatus.CANCELLED, cancelled.Status);
        Assert.NotNull(cancelled.Facts.Expired);
        var (late, _) = await browser.PayAsync(created.Text("url"), "pm_card_visa");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        // The session's own checkout.session.expired arrives too, and changes nothing.
        await TestBookings.EventuallyAsync(() => TestBookings.RowsAsync(_host, bookingId, RowKeys.PaymentFactPrefix), rows => rows.Count == 1, "the session's expiry to be stored");
        await TestBookings.EventuallyAsync(() => Task.FromResult(Published(bookingId).Count), n => n == 2, "the expiry's booking event and the session's payment event");
        Assert.Single(Published(bookingId), m => m.Subject == "booking_cancelled");
        Assert.Single(Published(bookingId), m => m.Subject == "payment_canceled");
    }

    [Fact]
    public async Task TheOwnersCancelOfABookingWithAnOpenSessionExpiresItAtStripeFirst()
    {
        using var dave = _host.ClientFor(NewUser("dave"));
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(dave);
        var created = await CreateCheckoutSessionAsync(dave, bookingId);

        var cancelled = await PostAsync(dave, $"/api/bookings/{bookingId}/cancel", "");
        var repeated = await PostAsync(dave, $"/api/bookings/{bookingId}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Equal("CANCELLED", cancelled.Text("bookingStatus"));
        Assert.Equal(HttpStatusCode.OK, repeated.Status);
        Assert.Equal("expired", (string?)_host.EmulatorState.FindCheckoutSession(created.Text("sessionId"))!["status"]);
        Assert.Contains("id=\"session-closed\"", (await browser.OpenAsync(created.Text("url"))).Html, StringComparison.Ordinal);
        (await CreateCheckoutSessionAsync(dave, bookingId)).AssertProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task APaidCheckoutBookingCancelledByItsOwnerIsRefundedAndItsRefundEventsFindTheSession()
    {
        using var frank = _host.ClientFor(NewUser("frank"));
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(frank);
        var url = (await CreateCheckoutSessionAsync(frank, bookingId)).Text("url");
        await browser.PayAsync(url, "pm_card_visa");
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED");

        var cancel = await PostAsync(frank, $"/api/bookings/{bookingId}/cancel", "");

        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);
        var intentId = (string?)Assert.Single(_host.EmulatorState.CheckoutSessionsFor(bookingId))["payment_intent"];
        var refund = Assert.Single(_host.EmulatorState.RefundsOf(intentId!));
        Assert.Equal(PaymentFunctions.Payments.StripeApi.CheckoutMetadata.CheckoutFlow, (string?)refund["metadata"]![PaymentFunctions.Payments.StripeApi.CheckoutMetadata.FlowKey]);
        var refunded = await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, bookingId), b => b.Status == BookingStatus.CANCELLED, $"booking {bookingId} to be CANCELLED by its refund");
        Assert.Equal("refunded", BookingStateMachine.CancellationReason(refunded.Facts, refunded.Amount));
        Assert.Empty(await TestBookings.RowsAsync(_host, bookingId, RowKeys.UnissuedIntentPrefix));
    }

    /// The hold ends a minute ago, as the expiry timer will find it: the booking row and its hold index entry.
    private async Task RunOutTheHoldAsync(string bookingId)
    {
        var stored = await TestBookings.LoadAsync(_host, bookingId);
        var past = DateTimeOffset.UtcNow.AddMinutes(-1);
        await PaymentFunctions.Bookings.HoldIndex.AddAsync(_host.Tables, bookingId, past, CancellationToken.None);
        await _host.Tables.Bookings.UpdateEntityAsync((stored with { HoldExpiresAt = past }).ToEntity(), stored.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
    }

    private List<PaymentFunctions.Messaging.OutboxMessage> Published(string bookingId) => [.. _host.InProcess!.Published.Where(m => m.BookingId == bookingId)];
}
