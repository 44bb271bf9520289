using System.Net;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments.Checkout;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Tests.Infrastructure;
using Stripe;
using Stripe.Checkout;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// Checkout Sessions at the emulator, driven through Stripe.net's SessionService with the options the app sends, so
/// the real SDK parses every answer; the hosted page over plain HTTP, as a browser without JavaScript would use it.
public sealed class CheckoutSessionTests
{
    private const string SuccessUrl = "http://spa.test/bookings/return?session_id={CHECKOUT_SESSION_ID}&booking_id=bk_0000000000000000000000emul";
    private const string CancelUrl = "http://spa.test/bookings/return?checkout=cancelled&booking_id=bk_0000000000000000000000emul";

    private static Booking NewBooking(DateTimeOffset now) => new()
    {
        Id = "bk_0000000000000000000000emul", UserId = "alice", TicketTypeId = "standard", Quantity = 2, Amount = 5000, Currency = "EUR",
        Status = BookingStatus.PENDING, CreatedAt = now, HoldExpiresAt = now.AddMinutes(30),
    };

    private static async Task<SessionCreateOptions> OptionsAsync(EmulatorHost emulator, DateTimeOffset? now = null)
    {
        var customer = await emulator.StripeNet.V1.Customers.CreateAsync(new CustomerCreateOptions());
        return CheckoutSessionIssuer.CreateOptions(NewBooking(now ?? DateTimeOffset.UtcNow), "Standard", customer.Id, SuccessUrl, CancelUrl);
    }

    private static async Task<Session> CreateAsync(EmulatorHost emulator, DateTimeOffset? now = null) =>
        await emulator.StripeNet.V1.Checkout.Sessions.CreateAsync(await OptionsAsync(emulator, now));

    [Fact]
    public async Task ASessionIsCreatedRetrievedListedAndExpiredAsStripeNetReadsStripes()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;

        var options = await OptionsAsync(emulator);
        var created = await stripe.V1.Checkout.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = "cs-create:test:1" });
        var replayed = await stripe.V1.Checkout.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = "cs-create:test:1" });
        var read = await stripe.V1.Checkout.Sessions.GetAsync(created.Id);
        var lineItems = await stripe.V1.Checkout.Sessions.LineItems.ListAsync(created.Id);
        var open = await stripe.V1.Checkout.Sessions.ListAsync(new SessionListOptions { Status = "open" });

        Assert.StartsWith("cs_test_", created.Id, StringComparison.Ordinal);
        Assert.Equal($"{emulator.BaseAddress}c/pay/{created.Id}", created.Url);
        Assert.Equal(("payment", "open", "unpaid"), (created.Mode, created.Status, created.PaymentStatus));
        Assert.Equal((5000L, "eur"), (created.AmountTotal, created.Currency));
        Assert.Equal("bk_0000000000000000000000emul", created.ClientReferenceId);
        Assert.Equal("bk_0000000000000000000000emul", created.Metadata["bookingId"]);
        Assert.Null(created.PaymentIntentId);
        Assert.Equal(SuccessUrl, created.SuccessUrl);
        Assert.Equal(created.Created.AddMinutes(61), created.ExpiresAt, TimeSpan.FromSeconds(2));
        Assert.Equal(created.Id, replayed.Id);
        Assert.Equal(created.Id, read.Id);
        var item = Assert.Single(lineItems.Data);
        Assert.Equal((2L, 2500L, 5000L, "Standard"), (item.Quantity!.Value, item.Price.UnitAmount!.Value, item.AmountTotal, item.Description));
        Assert.Contains(open.Data, s => s.Id == created.Id);

        var expired = await stripe.V1.Checkout.Sessions.ExpireAsync(created.Id);
        var again = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Checkout.Sessions.ExpireAsync(created.Id));
        var closedAgain = await CheckoutSessionClosing.ExpireAsync(stripe, created.Id, null, default);

        Assert.Equal("expired", expired.Status);
        Assert.Null(expired.Url);
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
        Assert.Equal("expired", closedAgain!.Status);
        Assert.Null(await CheckoutSessionClosing.ExpireAsync(stripe, "cs_test_nosuchsession", null, default));
        Assert.Equal(["checkout.session.expired"], HostedCheckout.EventsOf(emulator.State, created.Id));
    }

    [Fact]
    public async Task PayingOnTheHostedPageSendsStripesEventsInStripesOrderAndRedirectsToTheSuccessUrl()
    {
        await using var emulator = await StartAsync();
        using var browser = new HostedCheckout();
        var session = await CreateAsync(emulator);

        var (page, html) = await browser.OpenAsync(session.Url);
        var (paid, _) = await browser.PayAsync(session.Url, "pm_card_visa");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Standard", html, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"total\">50.00 EUR</strong>", html, StringComparison.Ordinal);
        Assert.All(CheckoutPageCards, card => Assert.Contains($"id=\"card-{card}\"", html, StringComparison.Ordinal));
        Assert.Contains("id=\"pay\"", html, StringComparison.Ordinal);
        Assert.Contains($"id=\"cancel\" href=\"{WebUtility.HtmlEncode(CancelUrl)}\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal(SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", session.Id, StringComparison.Ordinal), paid.Headers.Location!.OriginalString);

        var after = await emulator.StripeNet.V1.Checkout.Sessions.GetAsync(session.Id);
        Assert.Equal(("complete", "paid"), (after.Status, after.PaymentStatus));
        var intent = await emulator.StripeNet.V1.PaymentIntents.GetAsync(after.PaymentIntentId);
        Assert.Equal(("succeeded", 5000L, session.CustomerId), (intent.Status, intent.AmountReceived, intent.CustomerId));
        Assert.Equal(CheckoutMetadata.CheckoutFlow, intent.Metadata[CheckoutMetadata.FlowKey]);
        Assert.Equal("bk_0000000000000000000000emul", intent.Metadata["bookingId"]);
        Assert.Equal(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"], HostedCheckout.EventsOf(emulator.State, session.Id));
        Assert.Equal(session.Id, Assert.Single((await emulator.StripeNet.V1.Checkout.Sessions.ListAsync(new SessionListOptions { PaymentIntent = intent.Id })).Data).Id);

        // Stripe cancels a session's intent only by expiring the session; a paid session cannot be expired.
        var cancel = await Assert.ThrowsAsync<StripeException>(() => emulator.StripeNet.V1.PaymentIntents.CancelAsync(intent.Id));
        Assert.Equal("payment_intent_unexpected_state", cancel.StripeError.Code);
        Assert.Equal("complete", (await CheckoutSessionClosing.ExpireAsync(emulator.StripeNet, session.Id, null, default))!.Status);
        Assert.Contains("id=\"session-closed\"", (await browser.OpenAsync(session.Url)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeclinedCardKeepsTheSessionOpenAndTheNextCardPaysTheSameIntent()
    {
        await using var emulator = await StartAsync();
        using var browser = new HostedCheckout();
        var session = await CreateAsync(emulator);

        var (declined, declinedPage) = await browser.PayAsync(session.Url, "pm_card_chargeDeclined");
        var afterDecline = await emulator.StripeNet.V1.Checkout.Sessions.GetAsync(session.Id);
        var (needsAuth, authPage) = await browser.PayAsync(session.Url, "pm_card_authenticationRequired");
        var (paid, _) = await browser.PayAsync(session.Url, "pm_card_visa");

        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Contains("<p id=\"error\" role=\"alert\">Your card was declined.</p>", declinedPage, StringComparison.Ordinal);
        Assert.Equal(("open", "unpaid"), (afterDecline.Status, afterDecline.PaymentStatus));
        Assert.NotNull(afterDecline.PaymentIntentId);
        Assert.Equal(HttpStatusCode.OK, needsAuth.StatusCode);
        Assert.Contains("3D Secure", authPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var completed = await emulator.StripeNet.V1.Checkout.Sessions.GetAsync(session.Id);
        Assert.Equal(afterDecline.PaymentIntentId, completed.PaymentIntentId);
        Assert.Equal(
            ["payment_intent.created", "charge.failed", "payment_intent.payment_failed", "payment_intent.requires_action", "charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"],
            HostedCheckout.EventsOf(emulator.State, session.Id));
    }

    [Fact]
    public async Task AnOpenSessionPastItsExpiresAtIsExpiredWithItsIntentAndCanNoLongerBePaid()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);
        using var browser = new HostedCheckout();
        var session = await CreateAsync(emulator, clock.GetUtcNow());
        await browser.PayAsync(session.Url, "pm_card_chargeDeclined");

        clock.Advance(TimeSpan.FromMinutes(62));
        var (late, latePage) = await browser.PayAsync(session.Url, "pm_card_visa");
        var expired = await emulator.StripeNet.V1.Checkout.Sessions.GetAsync(session.Id);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("This Checkout Session is expired", latePage, StringComparison.Ordinal);
        Assert.Equal("expired", expired.Status);
        Assert.Equal("canceled", (await emulator.StripeNet.V1.PaymentIntents.GetAsync(expired.PaymentIntentId)).Status);
        Assert.Equal(["payment_intent.created", "charge.failed", "payment_intent.payment_failed", "payment_intent.canceled", "checkout.session.expired"], HostedCheckout.EventsOf(emulator.State, session.Id));
    }

    [Fact]
    public async Task StripesRefusalsOfANewSessionAreTheEmulatorsToo()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var valid = CheckoutSessionIssuer.CreateOptions(NewBooking(DateTimeOffset.UtcNow), "Standard", "cus_nosuchcustomer", SuccessUrl, CancelUrl);

        var unknownCustomer = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Checkout.Sessions.CreateAsync(valid));
        valid.Customer = null;
        valid.ExpiresAt = DateTime.UtcNow.AddMinutes(20);
        var tooSoon = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Checkout.Sessions.CreateAsync(valid));
        valid.ExpiresAt = DateTime.UtcNow.AddHours(25);
        var tooLate = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Checkout.Sessions.CreateAsync(valid));
        valid.ExpiresAt = null;
        valid.Mode = null;
        var noMode = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Checkout.Sessions.CreateAsync(valid));

        Assert.Equal(("resource_missing", "customer"), (unknownCustomer.StripeError.Code, unknownCustomer.StripeError.Param));
        Assert.Equal("expires_at", tooSoon.StripeError.Param);
        Assert.Equal("expires_at", tooLate.StripeError.Param);
        Assert.Equal(("parameter_missing", "mode"), (noMode.StripeError.Code, noMode.StripeError.Param));
        Assert.Empty(emulator.State.CheckoutSessions);
    }

    private static readonly string[] CheckoutPageCards = ["pm_card_visa", "pm_card_chargeDeclined", "pm_card_authenticationRequired", "pm_card_refundFail"];
}
