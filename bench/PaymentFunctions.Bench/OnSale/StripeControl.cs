using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace PaymentFunctions.Bench.OnSale;

/// The emulator, seen by the bench: its fault control (to slow Stripe down) and Stripe's own API as Stripe.js and a
/// support engineer would use it (confirm an intent with a test card, read an intent).
internal sealed class StripeControl(Uri emulator) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = emulator, Timeout = TimeSpan.FromSeconds(60) };

    /// Every Stripe request (any method under /v1/) waits this long first, for the next <paramref name="count"/> requests.
    public async Task SlowAsync(int delayMs, int count) =>
        (await _http.PostAsJsonAsync("/_emulator/faults", new { path = "/v1/", count, delayMs })).EnsureSuccessStatusCode();

    public async Task ClearAsync() => (await _http.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();

    /// What Stripe.js does when the buyer pays: a client-side confirm with a test card.
    public async Task ConfirmAsync(string intentId, CancellationToken ct)
    {
        using var confirm = Request(HttpMethod.Post, $"/v1/payment_intents/{intentId}/confirm");
        confirm.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["payment_method"] = "pm_card_visa", ["return_url"] = "https://spa.example/return" });
        (await _http.SendAsync(confirm, ct)).EnsureSuccessStatusCode();
    }

    public async Task<string?> StatusAsync(string intentId, CancellationToken ct)
    {
        using var read = Request(HttpMethod.Get, $"/v1/payment_intents/{intentId}");
        using var answer = await _http.SendAsync(read, ct);
        return (await answer.Content.ReadFromJsonAsync<IntentStatus>(ct))?.Status;
    }

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Request(HttpMethod method, string path) =>
        new(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_bench_only") } };

    private sealed record IntentStatus(string? Status);
}
