using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PaymentFunctions.Bench.Load;

namespace PaymentFunctions.Bench.Ingest;

/// The two latencies issue 10 asks for besides ingest: POST /api/payments/intents over the Stripe emulator (a
/// fresh booking each time, so every call creates a PaymentIntent), and a ReadyToRun-published standalone app's
/// start to its first 200 on /api/health.
internal static class IntentAndStartupBench
{
    public static async Task RunAsync(LoadEnvironment environment, ServerHandle app, CancellationToken ct)
    {
        using var spa = SenderLoad.Client(app.Http.BaseAddress!);
        var latencies = new List<double>();
        for (var i = 0; i < 60; i++)
        {
            // A user of its own per booking: one user's open bookings and intent calls are capped (issue 20).
            spa.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token($"user_bench_spa_{i}"));
            using var created = await spa.PostAsJsonAsync("/api/bookings", new { ticketTypeId = "standard", quantity = 2 }, ct);
            var booking = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<BookingId>(ct))!;
            var started = Stopwatch.GetTimestamp();
            using var intent = await spa.PostAsJsonAsync("/api/payments/intents", new { bookingId = booking.Id }, ct);
            intent.EnsureSuccessStatusCode();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var measured = latencies.Skip(10).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n## Create intent (POST /api/payments/intents, app (a), Stripe emulator, serial, {measured.Length} after 10 warm-up)\n\np50 {Pct(measured, 50):F1} ms, p99 {Pct(measured, 99):F1} ms, max {measured[^1]:F1} ms; (a)'s peak RSS after these calls (auth and the Stripe client now loaded too) {app.Process.PeakWorkingSetBytes() / 1048576.0:F0} MiB"));

        var published = Environment.GetEnvironmentVariable("PUBLISH_DIR");
        if (published is null || !File.Exists(Path.Combine(published, "PaymentFunctions.dll")))
        {
            Console.WriteLine("\n(start-up not measured: PUBLISH_DIR names no ReadyToRun publish; bench/run.sh makes one)");
            return;
        }

        var starts = new List<(double Ms, long PeakBytes)>();
        for (var i = 0; i < 3; i++)
        {
            starts.Add(await StartToFirstOkAsync(environment, published, ct));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n## Standalone start to first 200 on /api/health (ReadyToRun publish, `dotnet PaymentFunctions.dll`)\n\n{string.Join(" / ", starts.Select(s => s.Ms.ToString("F0", CultureInfo.InvariantCulture)))} ms (median {starts.Select(s => s.Ms).Order().ElementAt(1):F0} ms); peak RSS at that point {starts.Max(s => s.PeakBytes) / 1048576.0:F0} MiB"));
    }

    private static async Task<(double Ms, long PeakBytes)> StartToFirstOkAsync(LoadEnvironment environment, string published, CancellationToken ct)
    {
        var port = LoadEnvironment.FreePort();
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(published, "PaymentFunctions.dll"), "--urls", $"http://127.0.0.1:{port}" }, WorkingDirectory = published };
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Storage__ConnectionString"] = environment.StorageConnectionString, ["Storage__TablePrefix"] = "startup",
            ["Stripe__SecretKey"] = "sk_test_bench_only", ["Stripe__ApiBase"] = environment.StripeEmulator.ToString(), ["Stripe__WebhookSecrets__0"] = LoadData.WebhookSecret,
            ["Timers__RunLocally"] = "false", ["Logging__LogLevel__Default"] = "Warning",
            // A publish leaves appsettings.Development.json out, so what run.sh gets from it is given here.
            ["ServiceBus__Transport"] = "InProcess", ["Auth__DevSigningKey"] = BenchServer.DevSigningKey, ["Auth__Audience"] = "paymentfunctions",
            ["Catalog__TicketTypes__standard__Name"] = "Standard", ["Catalog__TicketTypes__standard__UnitPrice"] = "25.00", ["Catalog__TicketTypes__standard__Currency"] = "EUR",
        })
        {
            start.Environment[key] = value;
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        using var process = BenchProcess.Start(start);
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            try
            {
                using var health = await http.GetAsync("/api/health", ct);
                if (health.IsSuccessStatusCode)
                {
                    return (clock.Elapsed.TotalMilliseconds, process.PeakWorkingSetBytes());
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(10, ct);
        }

        throw new InvalidOperationException("The published app did not answer 200 on /api/health within 60 s.");
    }

    internal static string Token(string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "paymentfunctions-dev",
        Audience = "paymentfunctions",
        // A user's delegated token with the SPA's scope (Auth:RequiredScope), as Entra issues them.
        Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("scp", PaymentFunctions.Http.AuthOptions.DefaultScope)]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(BenchServer.DevSigningKey)), SecurityAlgorithms.HmacSha256),
    });

    private static double Pct(double[] sorted, int p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed record BookingId(string Id);
}
