using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Load;

namespace PaymentFunctions.Bench.Intents;

/// Issue 18: N concurrent POST /api/payments/intents for N distinct bookings of N distinct (new) users, with every
/// Stripe request delayed at the emulator, against two builds of the app side by side on one Azurite and one emulator:
/// "before" (a commit whose issuer and customer lookup held KeyedGates stripes across their Stripe calls) and "after".
/// They take turns at every N and in every round, so the ratios come from the same minutes of the same box.
/// Usage: intents beforeAppDir afterAppDir [concurrency=8,32,128] [stripeDelayMs=250] [rounds=3]
internal static class IntentConcurrencyBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (beforeDir, afterDir) = (args[0], args[1]);
        var levels = args.Length > 2 ? args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [8, 32, 128];
        var delayMs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 250;
        var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var ct = deadline.Token;
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot());
        using (var emulator = new HttpClient { BaseAddress = environment.StripeEmulator })
        {
            // Every Stripe request waits delayMs before it is answered (a delay-only fault, its key held in flight meanwhile).
            (await emulator.PostAsJsonAsync("/_emulator/faults", new { path = "/v1/", delayMs, count = 10_000_000 }, ct)).EnsureSuccessStatusCode();
        }

        (string Name, HttpClient Http)[] apps = [("before", await StartAppAsync(environment, beforeDir, "before")), ("after", await StartAppAsync(environment, afterDir, "after"))];
        var user = 0;
        foreach (var (_, http) in apps)
        {
            await RunOnceAsync(http, 4, () => $"warm{user++}", ct); // JIT, tables, connection pools
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## Concurrent intent creations, Stripe delayed {delayMs} ms per request ({rounds} rounds, the two builds in turns)\n"));
        Console.WriteLine("| N | round | build | wall ms | intents/s | p50 ms | p99 ms | max ms | not 201 |\n|---:|---:|---|---:|---:|---:|---:|---:|---|");
        var walls = new Dictionary<(int, string), List<double>>();
        foreach (var n in levels)
        {
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (name, http) in round % 2 == 1 ? apps : Enumerable.Reverse(apps))
                {
                    var (wall, latencies, failures) = await RunOnceAsync(http, n, () => $"u{user++}", ct);
                    (walls.TryGetValue((n, name), out var list) ? list : walls[(n, name)] = []).Add(wall);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {n} | {round} | {name} | {wall:F0} | {n / (wall / 1000):F1} | {Pct(latencies, 50):F0} | {Pct(latencies, 99):F0} | {latencies[^1]:F0} | {(failures.Length == 0 ? "none" : failures)} |"));
                }
            }
        }

        Console.WriteLine("\n| N | median wall before ms | median wall after ms | before / after |\n|---:|---:|---:|---:|");
        foreach (var n in levels)
        {
            var (before, after) = (Median(walls[(n, "before")]), Median(walls[(n, "after")]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {n} | {before:F0} | {after:F0} | {before / after:F2} |"));
        }

        return 0;
    }

    /// N bookings for N new users (not timed), then their N intents at once (timed).
    private static async Task<(double WallMs, double[] SortedLatencies, string Failures)> RunOnceAsync(HttpClient http, int n, Func<string> nextUser, CancellationToken ct)
    {
        var buyers = new List<(string Token, string BookingId)>();
        for (var i = 0; i < n; i++)
        {
            var token = IntentAndStartupBench.Token(nextUser());
            using var booking = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(new { ticketTypeId = "standard", quantity = 1 }) };
            booking.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var created = await http.SendAsync(booking, ct);
            buyers.Add((token, (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Created>(ct))!.Id));
        }

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(buyers.Select(async buyer =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/intents") { Content = JsonContent.Create(new { bookingId = buyer.BookingId }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer.Token);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, ct);
            return ((int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }));
        var wall = clock.Elapsed.TotalMilliseconds;
        var failures = string.Join(", ", answers.Where(a => a.Item1 != 201).GroupBy(a => a.Item1).Select(g => $"{g.Key} x{g.Count()}"));
        return (wall, answers.Select(a => a.Item2).Order().ToArray(), failures);
    }

    private static async Task<HttpClient> StartAppAsync(LoadEnvironment environment, string relativeAppDirectory, string tablePrefix)
    {
        var appDirectory = Path.GetFullPath(relativeAppDirectory);
        var port = LoadEnvironment.FreePort();
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(appDirectory, "PaymentFunctions.dll"), "--urls", $"http://127.0.0.1:{port}" }, WorkingDirectory = appDirectory };
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Storage__ConnectionString"] = environment.StorageConnectionString, ["Storage__TablePrefix"] = tablePrefix,
            ["Stripe__SecretKey"] = "sk_test_bench_only", ["Stripe__ApiBase"] = environment.StripeEmulator.ToString(), ["Stripe__WebhookSecrets__0"] = LoadData.WebhookSecret,
            ["Auth__DevSigningKey"] = BenchServer.DevSigningKey, ["Timers__RunLocally"] = "false", ["Logging__LogLevel__Default"] = "Warning", ["DOTNET_gcServer"] = "0",
        })
        {
            start.Environment[key] = value;
        }

        var process = environment.Start(start);
        await BenchProcess.WaitForPortAsync(port, process, TimeSpan.FromSeconds(60));
        return SenderLoad.Client(new Uri($"http://127.0.0.1:{port}"));
    }

    private static double Pct(double[] sorted, int p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private sealed record Created(string Id);
}
