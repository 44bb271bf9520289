using OpenQA.Selenium;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Browser;

/// The demo SPA (src/PaymentFunctions/wwwroot) as a user drives it, by the ids of its elements.
public sealed class DemoPage(IWebDriver driver, Uri app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public string Text(string id) => driver.FindElement(By.Id(id)).Text;

    public async Task SignInAsync(string user)
    {
        driver.Navigate().GoToUrl(app);
        await ShownAsync("sign-in-button");
        Type("user", user);
        Click("sign-in-button");
        await TextAsync("signed-in-as", $"Signed in as {user}");
    }

    /// Books and returns the new booking's id, once the page shows it PENDING.
    public async Task<string> BookAsync(string ticketType = "standard", int quantity = 2)
    {
        await ShownAsync("book-button");
        Choose("ticket-type", ticketType);
        Type("quantity", quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Click("book-button");
        await StatusAsync("PENDING");
        return Text("booking-id");
    }

    /// Pays in the page with a test card (or a saved card's id) and returns what the page says Stripe answered.
    public async Task<string> PayAsync(string card, bool saveCard = false)
    {
        Choose("card", card);
        if (driver.FindElement(By.Id("save-card")).Selected != saveCard)
        {
            Click("save-card");
        }

        Click("pay-button");
        return await TestBookings.EventuallyAsync(() => Task.FromResult(Text("payment-message")), m => m.StartsWith("Stripe:", StringComparison.Ordinal) || m.StartsWith("No PaymentIntent", StringComparison.Ordinal), "the page to show Stripe's answer to the confirm", Wait);
    }

    public async Task<string> CancelAsync()
    {
        Click("cancel-button");
        return await TestBookings.EventuallyAsync(() => Task.FromResult(Text("cancel-message")), m => m.Length > 0, "the page to show the cancel's answer", Wait);
    }

    /// Waits until the page's live status shows the booking in this status (the page polls the API every second).
    public Task StatusAsync(string status) => TextAsync("booking-status", status);

    public IReadOnlyList<string> History() => [.. driver.FindElements(By.CssSelector("#booking-history li")).Select(e => e.Text)];

    public IReadOnlyList<string> SavedCards() => [.. driver.FindElements(By.CssSelector("#saved-cards li")).Select(e => e.Text)];

    public Task TextAsync(string id, string expected) =>
        TestBookings.EventuallyAsync(() => Task.FromResult(Text(id)), text => text == expected, $"#{id} to read \"{expected}\" (page error: \"{Text("error")}\")", Wait);

    private async Task ShownAsync(string id) =>
        await TestBookings.EventuallyAsync(() => Task.FromResult(driver.FindElement(By.Id(id)).Displayed), shown => shown, $"#{id} to be shown (page error: \"{Text("error")}\")", Wait);

    private void Type(string id, string text)
    {
        var input = driver.FindElement(By.Id(id));
        input.Clear();
        input.SendKeys(text);
    }

    private void Click(string id) => driver.FindElement(By.Id(id)).Click();

    private void Choose(string id, string value) => driver.FindElement(By.CssSelector($"#{id} option[value='{value}']")).Click();
}
