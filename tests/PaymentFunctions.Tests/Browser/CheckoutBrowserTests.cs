using OpenQA.Selenium;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using Xunit.Abstractions;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Browser;

/// Stripe Checkout from the demo page: "Pay with Checkout" (POST /api/payments/checkout-sessions), the emulator's
/// hosted payment page, the redirect back to the page with ?session_id=...&amp;booking_id=..., and the booking
/// CONFIRMED. The hosted page is the emulator's (test cards #card-pm_card_visa etc., #pay, #cancel).
[Collection(AppHostGroup.Name)]
public sealed class CheckoutBrowserTests(InProcessAppHost fixture, ChromiumBrowser browser, ITestOutputHelper output) : IClassFixture<ChromiumBrowser>
{
    private readonly DemoPage _page = new(browser.Driver, fixture.Host.Client.BaseAddress!);

    [Fact]
    public async Task PayingThroughCheckoutWithTheVisaTestCardComesBackToTheConfirmedBooking()
    {
        var host = fixture.Host;
        await _page.SignInAsync(NewUser("dave"));
        var bookingId = await _page.BookAsync("standard", 2);

        browser.Driver.FindElement(By.Id("pay-checkout")).Click();
        await TestBookings.EventuallyAsync(() => Task.FromResult(browser.Driver.Url), url => url.StartsWith(host.EmulatorUri.ToString(), StringComparison.Ordinal), "the browser to reach the emulator's hosted Checkout page");
        output.WriteLine($"Screenshot: {browser.Screenshot($"{nameof(PayingThroughCheckoutWithTheVisaTestCardComesBackToTheConfirmedBooking)}-hosted-page")}");
        browser.Driver.FindElement(By.Id("card-pm_card_visa")).Click();
        browser.Driver.FindElement(By.Id("pay")).Click();
        await TestBookings.EventuallyAsync(() => Task.FromResult(browser.Driver.Url), url => url.StartsWith(host.Client.BaseAddress!.ToString(), StringComparison.Ordinal), "the redirect back to the demo page");
        await _page.TextAsync("booking-id", bookingId);
        await _page.StatusAsync("CONFIRMED");
        output.WriteLine($"Screenshot: {browser.Screenshot($"{nameof(PayingThroughCheckoutWithTheVisaTestCardComesBackToTheConfirmedBooking)}-confirmed")}");

        Assert.StartsWith("Back from Checkout (cs_", _page.Text("payment-message"), StringComparison.Ordinal);
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(host, bookingId)).Status);
    }
}
