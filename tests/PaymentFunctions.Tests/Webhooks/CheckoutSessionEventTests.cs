using System.Net;
using System.Text.Json;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Tests.Webhooks;

/// A Checkout Session's own events, signed as Stripe sends them, become the PaymentIntent flow's events for the booking
/// that created the session: completed and paid a payment_succeeded, completed but unpaid (a delayed payment method) a
/// payment_processing, then async_payment_succeeded or async_payment_failed, and expired a payment_canceled.
[Collection(AppHostGroup.Name)]
public sealed class CheckoutSessionEventTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Theory]
    [InlineData("checkout.session.async_payment_succeeded", "payment_succeeded", BookingStatus.CONFIRMED)]
    [InlineData("checkout.session.async_payment_failed", "payment_failed", BookingStatus.PAYMENT_FAILED)]
    public async Task ADelayedPaymentIsProcessingWhenTheSessionCompletesAndItsOutcomeSettlesTheBooking(string outcome, string published, BookingStatus settled)
    {
        var sessionId = "cs_test_" + Guid.NewGuid().ToString("N");
        var booking = await TestBookings.SeedAsync(_host, checkoutSessionId: sessionId);
        var completed = StripeEvents.CheckoutSession("checkout.session.completed", sessionId, booking.Id, "pi_async_" + Guid.NewGuid().ToString("N")[..8], "unpaid", "complete");
        var intentId = (string)completed["data"]!["object"]!["payment_intent"]!;

        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, completed)).StatusCode);
        var processing = await PublishedAsync(booking.Id, "payment_processing");
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);

        var result = StripeEvents.CheckoutSession(outcome, sessionId, booking.Id, intentId, outcome.EndsWith("succeeded", StringComparison.Ordinal) ? "paid" : "unpaid", "complete");
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, result)).StatusCode);

        var data = (await PublishedAsync(booking.Id, published)).GetProperty("data");
        Assert.Equal((sessionId, intentId, 2500L), (data.GetProperty("checkoutSessionId").GetString(), data.GetProperty("paymentIntentId").GetString(), data.GetProperty("amount").GetInt64()));
        Assert.Equal(sessionId, processing.GetProperty("data").GetProperty("checkoutSessionId").GetString());
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == settled, $"booking {booking.Id} to be {settled}");
    }

    [Fact]
    public async Task ASessionThatExpiredBeforeAnyoneTriedToPayCancelsItsBookingAndStandsInForTheIntentItNeverHad()
    {
        var sessionId = "cs_test_" + Guid.NewGuid().ToString("N");
        var booking = await TestBookings.SeedAsync(_host, checkoutSessionId: sessionId);

        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, StripeEvents.CheckoutSession("checkout.session.expired", sessionId, booking.Id, null, "unpaid", "expired"))).StatusCode);

        var data = (await PublishedAsync(booking.Id, "payment_canceled")).GetProperty("data");
        Assert.Equal((sessionId, sessionId, StripeEventMapper.SessionExpired), (data.GetProperty("paymentIntentId").GetString(), data.GetProperty("checkoutSessionId").GetString(), data.GetProperty("cancellationReason").GetString()));
        var cancelled = await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CANCELLED, $"booking {booking.Id} to be CANCELLED");
        Assert.Equal("payment_canceled", BookingStateMachine.CancellationReason(cancelled.Facts, cancelled.Amount));
    }

    [Fact]
    public async Task TheExpiryOfAnEarlierSessionNoLongerCancelsABookingThatMovedOnToANewOne()
    {
        var (first, second) = ("cs_test_" + Guid.NewGuid().ToString("N"), "cs_test_" + Guid.NewGuid().ToString("N"));
        var booking = await TestBookings.SeedAsync(_host, checkoutSessionId: second);
        await TestBookings.IssueSessionAsync(_host, booking.Id, first, attempt: 2);

        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, StripeEvents.CheckoutSession("checkout.session.expired", first, booking.Id, null, "unpaid", "expired"))).StatusCode);
        await PublishedAsync(booking.Id, "payment_canceled");
        await TestBookings.EventuallyAsync(() => TestBookings.RowsAsync(_host, booking.Id, "inbox|"), rows => rows.Count == 2, "the expiry to be consumed as well as stored");
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.DoesNotContain(_host.InProcess!.Published, m => m.Topic == EventTypes.BookingsTopic && m.BookingId == booking.Id);

        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, StripeEvents.CheckoutSession("checkout.session.expired", second, booking.Id, null, "unpaid", "expired"))).StatusCode);
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CANCELLED, $"booking {booking.Id} to be CANCELLED by its current session's expiry");
    }

    private async Task<JsonElement> PublishedAsync(string bookingId, string subject)
    {
        var message = await TestBookings.EventuallyAsync(
            () => Task.FromResult(_host.InProcess!.Published.FirstOrDefault(m => m.BookingId == bookingId && m.Subject == subject)), m => m is not null, $"{subject} to be published for {bookingId}");
        Assert.Equal(EventTypes.PaymentsTopic, message!.Topic);
        return JsonDocument.Parse(message.Body).RootElement;
    }
}
