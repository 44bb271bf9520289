using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// Every request for a Checkout Session that cannot be honoured is a problem+json that changes nothing: no session at
/// Stripe, no Idempotency-Key kept. And a booking is paid one way at a time.
[Collection(AppHostGroup.Name)]
public sealed class CheckoutRefusalTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Theory]
    [InlineData("https://evil.example/return")]
    [InlineData("//evil.example/return")]
    [InlineData("/\\\\evil.example")]
    [InlineData("bookings/return")]
    [InlineData("/bookings/return?next=https://evil.example")]
    [InlineData("/bookings/return#fragment")]
    [InlineData("/bookings/\\u0000")]
    public async Task AReturnPathThatIsNotAPlainPathOnTheSpaIsRefusedAndNothingIsCreated(string returnPath)
    {
        var aliceId = NewUser("alice");
        using var alice = _host.ClientFor(aliceId);
        var bookingId = await NewBookingIdAsync(alice);

        var refused = await CreateCheckoutSessionAsync(alice, bookingId, returnPath, "\"with-a-bad-path\"");

        refused.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(refused.Json.GetProperty("errors").TryGetProperty("returnPath", out _), refused.Body);
        Assert.Empty(_host.EmulatorState.CheckoutSessionsFor(bookingId));
        Assert.Equal(0, await IdempotencyRowsAsync(_host, aliceId));
    }

    [Fact]
    public async Task StrangersBadBodiesAndUnpayableBookingsAreProblemsThatCreateNothing()
    {
        var aliceId = NewUser("alice");
        using var alice = _host.ClientFor(aliceId);
        using var mallory = _host.ClientFor(NewUser("mallory"));
        using var anonymous = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        var bookingId = await NewBookingIdAsync(alice);

        var foreign = await CreateCheckoutSessionAsync(mallory, bookingId);
        var noToken = await CreateCheckoutSessionAsync(anonymous, bookingId);
        var noBooking = await PostAsync(alice, "/api/payments/checkout-sessions", "{}");
        var notJson = await PostAsync(alice, "/api/payments/checkout-sessions", "bookingId=1", contentType: "application/x-www-form-urlencoded");
        var wrongType = await PostAsync(alice, "/api/payments/checkout-sessions", $$"""{"bookingId":"{{bookingId}}","returnPath":7}""");
        var unknown = await CreateCheckoutSessionAsync(alice, "bk_00000000000000000000000000");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(alice, $"/api/bookings/{bookingId}/cancel", "")).Status);
        var cancelled = await CreateCheckoutSessionAsync(alice, bookingId);

        foreign.AssertProblem(HttpStatusCode.NotFound);
        noToken.AssertProblem(HttpStatusCode.Unauthorized);
        noBooking.AssertProblem(HttpStatusCode.BadRequest);
        notJson.AssertProblem(HttpStatusCode.UnsupportedMediaType);
        wrongType.AssertProblem(HttpStatusCode.BadRequest);
        unknown.AssertProblem(HttpStatusCode.NotFound);
        cancelled.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("Booking cannot be paid", cancelled.Json.GetProperty("title").GetString());
        Assert.Empty(_host.EmulatorState.CheckoutSessionsFor(bookingId));
        Assert.Empty(_host.EmulatorState.CustomersOf(aliceId));
    }

    [Fact]
    public async Task AnUntouchedPaymentIntentMakesWayForACheckoutSessionWhoseCancelNeverCancelsTheBooking()
    {
        using var alice = _host.ClientFor(NewUser("alice"));
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(alice);
        var intentId = (await CreateIntentAsync(alice, bookingId)).Text("paymentIntentId");

        var session = await CreateCheckoutSessionAsync(alice, bookingId);

        Assert.Equal(HttpStatusCode.Created, session.Status);
        Assert.Equal("canceled", (string?)_host.EmulatorState.FindPaymentIntent(intentId)!["status"]);
        var stored = await TestBookings.LoadAsync(_host, bookingId);
        Assert.Equal((null, session.Text("sessionId")), (stored.PaymentIntentId, stored.CheckoutSessionId));
        // The old intent's payment_intent.canceled is stored and consumed, and leaves the booking PENDING.
        await TestBookings.EventuallyAsync(() => Task.FromResult(_host.InProcess!.Published.Count(m => m.BookingId == bookingId && m.Subject == "payment_canceled")), n => n == 1, "the old intent's cancel to be published");
        await TestBookings.EventuallyAsync(() => TestBookings.RowsAsync(_host, bookingId, PaymentFunctions.Storage.RowKeys.InboxPrefix), rows => rows.Count(r => !r.RowKey.StartsWith("inbox|stripe|", StringComparison.Ordinal)) == 1, "the old intent's cancel to be consumed");
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, bookingId)).Status);

        // The SPA's intent is gone; asking for one now meets the open session.
        var intentAgain = await CreateIntentAsync(alice, bookingId);
        intentAgain.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(session.Text("sessionId"), intentAgain.Json.GetProperty("checkoutSessionId").GetString());
        Assert.Single(_host.EmulatorState.IntentsFor(bookingId));

        await browser.PayAsync(session.Text("url"), "pm_card_visa");
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED through its session");
    }

    [Fact]
    public async Task APaymentIntentBeingPaidWinsOverACheckoutSession()
    {
        using var alice = _host.ClientFor(NewUser("alice"));
        using var stripe = _host.StripeClientForTests();
        var bookingId = await NewBookingIdAsync(alice);
        var intentId = (await CreateIntentAsync(alice, bookingId)).Text("paymentIntentId");
        await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_authenticationRequired");

        var refused = await CreateCheckoutSessionAsync(alice, bookingId);

        refused.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("Booking is being paid another way", refused.Json.GetProperty("title").GetString());
        Assert.Equal(intentId, refused.Json.GetProperty("paymentIntentId").GetString());
        Assert.Equal("requires_action", (string?)_host.EmulatorState.FindPaymentIntent(intentId)!["status"]);
        Assert.Empty(_host.EmulatorState.CheckoutSessionsFor(bookingId));
        Assert.Equal(intentId, (await TestBookings.LoadAsync(_host, bookingId)).PaymentIntentId);
    }
}
