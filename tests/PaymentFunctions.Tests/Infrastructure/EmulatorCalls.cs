using System.Net.Http.Json;
using System.Text.Json;

namespace PaymentFunctions.Tests.Infrastructure;

/// What Stripe.js does in the browser, done against the emulator: create/confirm intents with test cards.
public static class EmulatorCalls
{
    public static async Task<string> CreateIntentAsync(HttpClient stripe, string bookingId, long amount = 2500, string currency = "eur")
    {
        var response = await stripe.PostAsync("/v1/payment_intents", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["amount"] = amount.ToString(), ["currency"] = currency, ["metadata[bookingId]"] = bookingId, ["automatic_payment_methods[enabled]"] = "true",
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// Stripe.js always passes a return_url (the app's intents allow redirect-based payment methods).
    public const string ReturnUrl = "https://spa.example/bookings/return";

    public static Task<HttpResponseMessage> ConfirmAsync(HttpClient stripe, string intentId, string paymentMethod) =>
        stripe.PostAsync($"/v1/payment_intents/{intentId}/confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["payment_method"] = paymentMethod, ["return_url"] = ReturnUrl }));

    public static async Task<string> StatusAsync(HttpClient stripe, string intentId) =>
        (await stripe.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intentId}")).GetProperty("status").GetString()!;
}
