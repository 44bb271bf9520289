using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Azure.Data.Tables;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Load;

namespace PaymentFunctions.Bench.OnSale;

/// Issue 18's expiry target: COUNT holds ending together, Stripe answering each cancel in STRIPE_MS, on INSTANCES
/// standalone instances sharing one Azurite (each fires the timers, as ./run.sh does; the timer lease keeps one run
/// per occurrence). Bookings:HoldTime is one minute and the expiry schedule every 5 seconds.
/// Usage: expiry [count=300] [instances=2] [stripeMs=200]
internal static class ExpiryBench
{
    private const string TablePrefix = "onsale";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = Arg(args, 0, 300);
        var instances = Arg(args, 1, 2);
        var stripeMs = Arg(args, 2, 200);
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot());
        var settings = new Dictionary<string, string>
        {
            ["Bookings__HoldTime"] = "00:01:00",
            ["Timers__ExpirySchedule"] = "*/5 * * * * *",
            ["Timers__OutboxSweepSchedule"] = "0 */5 * * * *",
            ["Timers__ReconciliationSchedule"] = "0 0 0 1 1 *",
        };
        var servers = new List<ServerHandle>();
        for (var i = 0; i < instances; i++)
        {
            servers.Add(await ServerHandle.StartAsync(environment, "onsale", TablePrefix, settings));
        }

        Console.WriteLine($"expiry bench: {count} holds, {instances} instances, Stripe cancel {stripeMs} ms ({DateTime.UtcNow:u}, nproc {Environment.ProcessorCount})");
        var intents = await CreateBookingsWithIntentsAsync(servers, count);
        using var stripe = new HttpClient { BaseAddress = environment.StripeEmulator };
        (await stripe.PostAsJsonAsync("/_emulator/faults", new { path = "/v1/payment_intents", method = "POST", count = count * 10, delayMs = stripeMs })).EnsureSuccessStatusCode();

        var bookings = new TableServiceClient(environment.StorageConnectionString).GetTableClient(TablePrefix + "Bookings");
        var rows = await WaitForAllCancelledAsync(bookings, count, TimeSpan.FromMinutes(4));
        var lastHoldEnd = rows.Max(r => r.GetDateTimeOffset("HoldExpiresAt")!.Value);
        var lags = rows.Select(r => (r.GetDateTimeOffset("UpdatedAt")!.Value - r.GetDateTimeOffset("HoldExpiresAt")!.Value).TotalSeconds).Order().ToArray();
        var lastCancelled = rows.Max(r => r.GetDateTimeOffset("UpdatedAt")!.Value);
        var canceledAtStripe = await CountCanceledAsync(stripe, intents);
        var firstHoldEnd = rows.Min(r => r.GetDateTimeOffset("HoldExpiresAt")!.Value);
        Console.WriteLine($"| holds | cancelled | intents canceled at Stripe | holds ended within | last hold end -> all CANCELLED | lag p50 | lag p99 | expiries/s |");
        Console.WriteLine($"|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {count} | {rows.Count(r => r.GetString("Status") == "CANCELLED")} | {canceledAtStripe} | {(lastHoldEnd - firstHoldEnd).TotalSeconds:F1} s | {(lastCancelled - lastHoldEnd).TotalSeconds:F1} s | {Pct(lags, 50):F1} s | {Pct(lags, 99):F1} s | {count / Math.Max(0.001, (lastCancelled - firstHoldEnd).TotalSeconds):F0} |"));
        foreach (var server in servers)
        {
            var stats = await server.StatsAsync(CancellationToken.None);
            Console.WriteLine($"instance {server.Process.Id}: {stats.Total} storage round trips, peak RSS {server.Process.PeakWorkingSetBytes() / (1024 * 1024)} MiB");
        }

        return (lastCancelled - lastHoldEnd).TotalSeconds <= 15 && canceledAtStripe == count ? 0 : 1;
    }

    /// Bookings from many users, each with its PaymentIntent, spread over the instances; 16 at a time.
    private static async Task<List<string>> CreateBookingsWithIntentsAsync(List<ServerHandle> servers, int count)
    {
        var intents = new List<string>();
        var sync = new Lock();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var http = servers[i % servers.Count].Http;
            var token = new AuthenticationHeaderValue("Bearer", Token($"user_onsale_{i}"));
            using var book = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(new { ticketTypeId = "standard", quantity = 1 }) };
            book.Headers.Authorization = token;
            using var booked = await http.SendAsync(book, ct);
            var bookingId = (await booked.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IdOf>(ct))!.Id!;
            using var pay = new HttpRequestMessage(HttpMethod.Post, "/api/payments/intents") { Content = JsonContent.Create(new { bookingId }) };
            pay.Headers.Authorization = token;
            using var paid = await http.SendAsync(pay, ct);
            var intent = (await paid.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IdOf>(ct))!.PaymentIntentId!;
            lock (sync)
            {
                intents.Add(intent);
            }
        });
        return intents;
    }

    private static async Task<List<TableEntity>> WaitForAllCancelledAsync(TableClient bookings, int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = new List<TableEntity>();
            await foreach (var row in bookings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"booking"}"), select: ["Status", "HoldExpiresAt", "UpdatedAt"]))
            {
                rows.Add(row);
            }

            if ((rows.Count == count && rows.All(r => r.GetString("Status") == "CANCELLED")) || DateTime.UtcNow > until)
            {
                return rows;
            }

            await Task.Delay(500);
        }
    }

    private static async Task<int> CountCanceledAsync(HttpClient stripe, IEnumerable<string> intents)
    {
        var canceled = 0;
        foreach (var intent in intents)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/payment_intents/{intent}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_bench_only");
            using var answer = await stripe.SendAsync(request);
            canceled += (await answer.Content.ReadFromJsonAsync<StatusOf>())?.Status == "canceled" ? 1 : 0;
        }

        return canceled;
    }

    private static string Token(string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "paymentfunctions-dev",
        Audience = "paymentfunctions",
        Subject = new ClaimsIdentity([new Claim("sub", userId)]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(BenchServer.DevSigningKey)), SecurityAlgorithms.HmacSha256),
    });

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static double Pct(double[] sorted, int p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed record IdOf(string? Id, string? PaymentIntentId);

    private sealed record StatusOf(string? Status);
}
