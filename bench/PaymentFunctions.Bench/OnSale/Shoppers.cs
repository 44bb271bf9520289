using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using PaymentFunctions.Bench.Ingest;

namespace PaymentFunctions.Bench.OnSale;

/// One buyer of the on-sale: a booking, its PaymentIntent, and whether the buyer paid.
internal sealed record Shopper(string BookingId, string IntentId, bool Paid, int Refusals);

/// The buyers who got their booking and intent, and how many gave up (no answer within the client's timeout).
internal sealed record Crowd(List<Shopper> Served, int GaveUp);

/// Buyers, each their own user, as the SPA calls the app: book, ask for the intent, and (some) pay with Stripe.js.
/// A 503 (Stripe busy) is retried after its Retry-After, as the SPA does.
internal static class Shoppers
{
    public static async Task<Crowd> BookAsync(List<ServerHandle> servers, StripeControl stripe, int count, int paidPercent, int concurrency)
    {
        var shoppers = new List<Shopper>();
        var sync = new Lock();
        var gaveUp = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            try
            {
                var shopper = await BuyAsync(servers[i % servers.Count].Http, stripe, i, i % 100 < paidPercent, ct);
                lock (sync)
                {
                    shoppers.Add(shopper);
                }
            }
            catch (Exception ex) when (ex is TaskCanceledException or HttpRequestException)
            {
                // A buyer who gets no answer gives up; the run goes on and reports how many did.
                Interlocked.Increment(ref gaveUp);
            }

            if ((i + 1) % 1000 == 0)
            {
                Console.WriteLine($"  {i + 1} buyers by {DateTime.UtcNow:T}");
            }
        });
        return new Crowd(shoppers, gaveUp);
    }

    private static async Task<Shopper> BuyAsync(HttpClient http, StripeControl stripe, int i, bool pays, CancellationToken ct)
    {
        var token = new AuthenticationHeaderValue("Bearer", IntentAndStartupBench.Token($"user_onsale_{i}"));
        var (booked, refusedBooking) = await PostAsync(http, token, "/api/bookings", new { ticketTypeId = "standard", quantity = 1 }, ct);
        var (intent, refusedIntent) = await PostAsync(http, token, "/api/payments/intents", new { bookingId = booked.Id }, ct);
        if (pays)
        {
            await stripe.ConfirmAsync(intent.PaymentIntentId!, ct);
        }

        return new Shopper(booked.Id!, intent.PaymentIntentId!, pays, refusedBooking + refusedIntent);
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
