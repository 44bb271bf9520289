using System.Net;
using System.Text.Json;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Payments.Checkout;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// Issue 21's "Done means" for Checkout Sessions, tried as the SPA and a browser would: the SPA asks for a session,
/// the customer pays on the emulator's hosted page and lands back on the SPA's origin, the webhooks settle the booking.
[Collection(AppHostGroup.Name)]
public sealed class CheckoutJourneyTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    /// The first of the host's Cors:AllowedOrigins, where Checkout sends the customer back: the app's own origin.
    private string SpaOrigin => _host.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task ABookingPaidOnTheHostedPageIsConfirmedOnceAndTheCustomerLandsBackOnTheSpa()
    {
        var aliceId = NewUser("alice");
        using var alice = _host.ClientFor(aliceId);
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(alice, "standard", 2);
        var booking = await GetAsync(alice, $"/api/bookings/{bookingId}");

        var created = await CreateCheckoutSessionAsync(alice, bookingId, "/bookings/return");
        var again = await CreateCheckoutSessionAsync(alice, bookingId, "/bookings/return");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"/api/payments/{bookingId}", created.Response.Headers.Location?.OriginalString);
        var sessionId = created.Text("sessionId");
        var url = created.Text("url");
        Assert.Equal($"{_host.EmulatorUri}c/pay/{sessionId}", url);
        Assert.Equal(booking.Json.GetProperty("holdExpiresAt").GetDateTimeOffset(), created.Json.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(created.Body, again.Body);

        // What Stripe holds: the server-side price as line items, the booking everywhere both event families look.
        var atStripe = Assert.Single(_host.EmulatorState.CheckoutSessionsFor(bookingId));
        Assert.Equal(5000, (long)atStripe["amount_total"]!);
        Assert.Equal("eur", (string?)atStripe["currency"]);
        Assert.Equal(bookingId, (string?)atStripe["metadata"]!["bookingId"]);
        Assert.Equal((string?)Assert.Single(_host.EmulatorState.CustomersOf(aliceId))["id"], (string?)atStripe["customer"]);
        Assert.Equal($"{SpaOrigin}/bookings/return?session_id={{CHECKOUT_SESSION_ID}}&booking_id={bookingId}", (string?)atStripe["success_url"]);
        Assert.Equal($"{SpaOrigin}/bookings/return?checkout=cancelled&booking_id={bookingId}", (string?)atStripe["cancel_url"]);
        var hold = booking.Json.GetProperty("holdExpiresAt").GetDateTimeOffset();
        Assert.Equal((hold + CheckoutSessionIssuer.StripeExpiryAfterHold).ToUnixTimeSeconds(), (long)atStripe["expires_at"]!);
        var stored = await TestBookings.LoadAsync(_host, bookingId);
        Assert.Equal((sessionId, 1, null), (stored.CheckoutSessionId, stored.CheckoutAttempt, stored.PaymentIntentId));
        Assert.Equal(sessionId, Assert.Single(await TestBookings.RowsAsync(_host, bookingId, RowKeys.CheckoutSession(1))).GetString("CheckoutSessionId"));

        var (page, html) = await browser.OpenAsync(url);
        var (paid, _) = await browser.PayAsync(url, "pm_card_visa");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<strong id=\"total\">50.00 EUR</strong>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal($"{SpaOrigin}/bookings/return?session_id={sessionId}&booking_id={bookingId}", paid.Headers.Location!.OriginalString);

        // Both the intent's success and the session's completion arrive; the booking is confirmed by whichever is first.
        await TestBookings.EventuallyAsync(() => TestBookings.RowsAsync(_host, bookingId, RowKeys.PaymentFactPrefix), rows => rows.Count == 2, "the intent's and the session's success to be stored");
        var confirmed = await TestBookings.EventuallyAsync(() => GetAsync(alice, $"/api/bookings/{bookingId}"), b => b.Text("status") == "CONFIRMED", $"booking {bookingId} to be CONFIRMED");
        Assert.Equal(["PENDING", "CONFIRMED"], confirmed.Json.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("to").GetString()));
        Assert.Equal(sessionId, confirmed.Text("checkoutSessionId"));
        await TestBookings.EventuallyAsync(() => Task.FromResult(Published(bookingId).Count), n => n == 3, "both payment events and the booking event to be published");
        Assert.Single(Published(bookingId), m => m.Subject == "booking_confirmed");
        Assert.All(Published(bookingId).Where(m => m.Topic == EventTypes.PaymentsTopic), m => Assert.Equal(sessionId, JsonDocument.Parse(m.Body).RootElement.GetProperty("data").GetProperty("checkoutSessionId").GetString()));

        var payment = await GetAsync(alice, $"/api/payments/{bookingId}");
        Assert.Equal("succeeded", payment.Json.GetProperty("payment").GetProperty("status").GetString());

        // Paid: no more sessions for it.
        (await CreateCheckoutSessionAsync(alice, bookingId)).AssertProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ADeclinedCardLeavesTheBookingPaymentFailedAndItsOpenSessionThenPaysIt()
    {
        using var bob = _host.ClientFor(NewUser("bob"));
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(bob);
        var url = (await CreateCheckoutSessionAsync(bob, bookingId)).Text("url");

        var (declined, declinedPage) = await browser.PayAsync(url, "pm_card_chargeDeclined");

        Assert.Contains("id=\"error\"", declinedPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        var failed = await TestBookings.EventuallyAsync(() => GetAsync(bob, $"/api/payments/{bookingId}"), p => p.Json.GetProperty("bookingStatus").GetString() == "PAYMENT_FAILED", $"booking {bookingId} to be PAYMENT_FAILED");
        Assert.Equal("generic_decline", failed.Json.GetProperty("payment").GetProperty("failureCode").GetString());

        // Back on the SPA (the page's cancel link), the customer asks again: Checkout kept the session open.
        var again = await CreateCheckoutSessionAsync(bob, bookingId);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(url, again.Text("url"));
        var (paid, _) = await browser.PayAsync(url, "pm_card_visa");

        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.StartsWith($"{SpaOrigin}/?session_id=cs_test_", paid.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var confirmed = await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED");
        Assert.Equal((string?)Assert.Single(_host.EmulatorState.CheckoutSessionsFor(bookingId))["payment_intent"], confirmed.Facts.SucceededIntentId);
    }

    [Fact]
    public async Task TwentyConcurrentCallsForOneBookingCreateExactlyOneCheckoutSession()
    {
        using var gina = _host.ClientFor(NewUser("gina"));
        var bookingId = await NewBookingIdAsync(gina);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateCheckoutSessionAsync(gina, bookingId)));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"{a.Status}: {a.Body}"));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Single(answers.Select(a => a.Text("sessionId")).Distinct());
        Assert.Single(_host.EmulatorState.CheckoutSessionsFor(bookingId));
        Assert.Single(await TestBookings.RowsAsync(_host, bookingId, RowKeys.IntentPrefix));
    }

    [Fact]
    public async Task ACrashBetweenStripesAnswerAndOurWriteIsHealedByTheRetryWithTheSameSession()
    {
        using var erin = _host.ClientFor(NewUser("erin"));
        var bookingId = await NewBookingIdAsync(erin);
        var fired = 0;
        _host.Faults.Rule = point => point == FaultInjection.CheckoutAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;
        try
        {
            var crashed = await CreateCheckoutSessionAsync(erin, bookingId, "/bookings/return");
            var afterCrash = await TestBookings.LoadAsync(_host, bookingId);
            var retried = await CreateCheckoutSessionAsync(erin, bookingId, "/bookings/return");

            crashed.AssertProblem(HttpStatusCode.InternalServerError);
            Assert.Null(afterCrash.CheckoutSessionId);
            Assert.Equal(HttpStatusCode.Created, retried.Status);
            var atStripe = Assert.Single(_host.EmulatorState.CheckoutSessionsFor(bookingId));
            Assert.Equal((string?)atStripe["id"], retried.Text("sessionId"));
            Assert.Equal(retried.Text("sessionId"), (await TestBookings.LoadAsync(_host, bookingId)).CheckoutSessionId);
        }
        finally
        {
            _host.Faults.Rule = null;
        }
    }

    private List<PaymentFunctions.Messaging.OutboxMessage> Published(string bookingId) => [.. _host.InProcess!.Published.Where(m => m.BookingId == bookingId)];
}
