using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using Xunit.Abstractions;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Browser;

/// The README's journey in a real browser: the demo page served by the app (Development), headless Chromium, the
/// Stripe emulator confirming from the page as Stripe.js would, webhooks, the in-process transport and the booking
/// consumer, all on the shared local-mode host. Each step's screenshot is saved beside the TRX.
[Collection(AppHostGroup.Name)]
public sealed class DemoPageBrowserTests(InProcessAppHost fixture, ChromiumBrowser browser, ITestOutputHelper output) : IClassFixture<ChromiumBrowser>
{
    private readonly DemoPage _page = new(browser.Driver, fixture.Host.Client.BaseAddress!);

    [Fact]
    public async Task PayingInThePageWithTheVisaTestCardConfirmsTheBookingAndSavesTheCard()
    {
        var host = fixture.Host;
        var mark = host.Answers.Mark();
        var user = NewUser("alice");
        await _page.SignInAsync(user);
        var bookingId = await _page.BookAsync("standard", 2);

        var answer = await _page.PayAsync("pm_card_visa", saveCard: true);
        await _page.StatusAsync("CONFIRMED");
        var cards = await TestBookings.EventuallyAsync(() => Task.FromResult(_page.SavedCards()), c => c.Count == 1, "the saved card to be listed");
        Screenshot("visa-confirmed");

        Assert.Equal("Stripe: payment succeeded. The booking follows when the webhook has been processed.", answer);
        Assert.Equal("€50.00 (2 x standard)", _page.Text("booking-amount"));
        Assert.Equal(["PENDING", "CONFIRMED"], _page.History().Select(Target));
        Assert.StartsWith("visa ending 4242", cards[0], StringComparison.Ordinal);
        var stored = await TestBookings.LoadAsync(host, bookingId);
        Assert.Equal(BookingStatus.CONFIRMED, stored.Status);
        Assert.Equal(user, stored.UserId);
        var intent = Assert.Single(host.EmulatorState.IntentsFor(bookingId));
        Assert.Equal("succeeded", (string?)intent["status"]);
        Assert.Equal(5000, (long?)intent["amount"]);
        Assert.Equal((string?)Assert.Single(host.EmulatorState.CustomersOf(user))["id"], (string?)intent["customer"]);
        AssertTheAnswersMatchedTheContract(mark, "POST /api/bookings 201", "POST /api/payments/intents 201", $"GET /api/bookings/{bookingId} 200", $"GET /api/payments/{bookingId} 200", "GET /api/payment-methods 200", "POST /api/webhooks/stripe 200");
    }

    [Fact]
    public async Task ADeclinedCardLeavesTheBookingPaymentFailedAndARetryWithVisaConfirmsIt()
    {
        var host = fixture.Host;
        var mark = host.Answers.Mark();
        await _page.SignInAsync(NewUser("bob"));
        var bookingId = await _page.BookAsync("standard", 1);

        var declined = await _page.PayAsync("pm_card_chargeDeclined");
        await _page.StatusAsync("PAYMENT_FAILED");
        await _page.TextAsync("payment-status", "payment_failed: Your card was declined.");
        Screenshot("declined-payment-failed");
        var retried = await _page.PayAsync("pm_card_visa");
        await _page.StatusAsync("CONFIRMED");
        Screenshot("declined-then-visa-confirmed");

        Assert.Equal("Stripe: Your card was declined.", declined);
        Assert.StartsWith("Stripe: payment succeeded.", retried, StringComparison.Ordinal);
        Assert.Equal(["PENDING", "PAYMENT_FAILED", "CONFIRMED"], _page.History().Select(Target));
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(host, bookingId)).Status);
        // One PaymentIntent, confirmed twice: the retry reuses the booking's open intent.
        var intent = Assert.Single(host.EmulatorState.IntentsFor(bookingId));
        Assert.Equal(
            ["failed", "succeeded"],
            host.EmulatorState.Charges.Where(c => (string?)c["payment_intent"] == (string?)intent["id"]).Select(c => (string?)c["status"]).Order(StringComparer.Ordinal));
        // The retry's intent call found the booking's open intent: 200, not 201.
        AssertTheAnswersMatchedTheContract(mark, "POST /api/payments/intents 201", "POST /api/payments/intents 200", $"GET /api/bookings/{bookingId} 200");
    }

    [Fact]
    public async Task CancellingAPaidBookingRefundsItAndTheBookingBecomesCancelledRefunded()
    {
        var host = fixture.Host;
        var mark = host.Answers.Mark();
        await _page.SignInAsync(NewUser("carol"));
        var bookingId = await _page.BookAsync("standard", 2);
        await _page.PayAsync("pm_card_visa");
        await _page.StatusAsync("CONFIRMED");

        var cancel = await _page.CancelAsync();
        await _page.StatusAsync("CANCELLED");
        await _page.TextAsync("booking-reason", "(refunded)");
        await _page.TextAsync("booking-refunded", "€50.00");
        Screenshot("cancelled-refunded");

        var intentId = (string)Assert.Single(host.EmulatorState.IntentsFor(bookingId))["id"]!;
        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal($"Refund {refund["id"]} pending: the booking is cancelled when Stripe reports the refund.", cancel);
        Assert.Equal(5000, (long?)refund["amount"]);
        Assert.Equal(["PENDING", "CONFIRMED", "CANCELLED"], _page.History().Select(Target));
        Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(host, bookingId)).Status);
        AssertTheAnswersMatchedTheContract(mark, $"POST /api/bookings/{bookingId}/cancel 202", $"GET /api/bookings/{bookingId} 200");
    }

    /// Every answer the app gave since the mark (the page's calls and the emulator's webhooks) is what
    /// docs/openapi.json describes, and the journey's own calls are among them.
    private void AssertTheAnswersMatchedTheContract(long mark, params string[] journey)
    {
        var answers = fixture.Host.Answers.Since(mark);
        Assert.Empty(answers.Where(a => a.Violations.Count > 0).Select(a => a.ToString()));
        Assert.Subset(answers.Select(a => $"{a.Method} {a.Path} {a.Status}").ToHashSet(), journey.ToHashSet());
    }

    /// "10:01:02  PENDING -> CONFIRMED  (cause)" -> "CONFIRMED".
    private static string Target(string historyLine) => historyLine.Split("-> ")[1].Split(' ')[0];

    private void Screenshot(string step, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        output.WriteLine($"Screenshot: {browser.Screenshot($"{test}-{step}")}");
}
