using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using PaymentFunctions.Bench.Ingest;

namespace PaymentFunctions.Bench.OnSale;

/// One buyer of the on-sale: a booking, its PaymentIntent, and whether the buyer paid.
internal sealed record Shopper(string BookingId, string IntentId, bool Paid, int Refusals);

/// Buyers, each their own user, as the SPA calls the app: book, ask for the intent, and (some) pay with Stripe.js.
/// A 503 (Stripe busy) is retried after its Retry-After, as the SPA does.
internal static class Shoppers
{
    public static async Task<List<Shopper>> BookAsync(List<ServerHandle> servers, StripeControl stripe, int count, int paidPercent, int concurrency)
    {
        var shoppers = new List<Shopper>();
        var sync = new Lock();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var http = servers[i % servers.Count].Http;
            var token = new AuthenticationHeaderValue("Bearer", IntentAndStartupBench.Token($"user_onsale_{i}"));
            var (booked, refusedBooking) = await PostAsync(http, token, "/api/bookings", new { ticketTypeId = "standard", quantity = 1 }, ct);
            var (intent, refusedIntent) = await PostAsync(http, token, "/api/payments/intents", new { bookingId = booked.Id }, ct);
            var paid = i % 100 < paidPercent;
            if (paid)
            {
                await stripe.ConfirmAsync(intent.PaymentIntentId!, ct);
            }

            lock (sync)
            {
                shoppers.Add(new Shopper(booked.Id!, intent.PaymentIntentId!, paid, refusedBooking + refusedIntent));
            }
        });
        return shoppers;
    }

    private static async Task<(Answer Answer, int Refusals)> PostAsync(HttpClient http, AuthenticationHeaderValue token, string path, object body, CancellationToken ct)
    {
        for (var refusals = 0; ; refusals++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = token;
            request.Headers.Add("Idempotency-Key", $"\"{path}-{token.Parameter!.GetHashCode(StringComparison.Ordinal)}\"");
            using var answer = await http.SendAsync(request, ct);
            if (answer.StatusCode == HttpStatusCode.ServiceUnavailable && refusals < 20)
            {
                await Task.Delay(answer.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                continue;
            }

            return ((await answer.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Answer>(ct))!, refusals);
        }
    }

    private sealed record Answer(string? Id, string? PaymentIntentId);
}
