using System.Text.Json.Nodes;
using StripeEmulator;

namespace PaymentFunctions.Tests.Infrastructure;

/// What a browser does on the emulator's hosted Checkout page: open the session's url, pick a test card, press Pay
/// (a form post answered 303 to the success_url). Redirects are not followed, so a test sees where they point.
public sealed class HostedCheckout : IDisposable
{
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    public async Task<(HttpResponseMessage Response, string Html)> OpenAsync(string url)
    {
        var response = await _browser.GetAsync(url);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// The answer to Pay with one of the page's cards: 303 with Location on success, the page again otherwise.
    public async Task<(HttpResponseMessage Response, string Html)> PayAsync(string url, string card)
    {
        var response = await _browser.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["payment_method"] = card }));
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// The types of the events the emulator recorded about one session and its intent and charges, oldest first.
    public static IReadOnlyList<string> EventsOf(EmulatorState stripe, string sessionId)
    {
        var intentId = (string?)stripe.FindCheckoutSession(sessionId)?["payment_intent"];
        return [.. stripe.Events.Where(e => About(e["data"]!["object"]!.AsObject(), sessionId, intentId)).Select(e => (string)e["type"]!)];
    }

    private static bool About(JsonObject subject, string sessionId, string? intentId) =>
        (string?)subject["id"] == sessionId || (intentId is not null && ((string?)subject["id"] == intentId || (string?)subject["payment_intent"] == intentId));

    public void Dispose() => _browser.Dispose();
}
