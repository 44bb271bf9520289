using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Load;
using PaymentFunctions.Bookings.Domain;

namespace PaymentFunctions.Bench.Reconcile;

/// Issue 18's bench: COUNT missed payment_intent.succeeded events (20,000) in the emulator, each naming a seeded booking
/// reconciled by (a) the app's windowed reconciliation and (b) the list-everything-first baseline, each in its own
/// server process on the same Azurite, one after the other in the same minutes. Per server: events/s, peak RSS growth
/// during the run (VmHWM reset through /proc/PID/clear_refs first), windows, checkpoints and list requests, and storage
/// round trips per reconciled event by kind. A warm-up backlog (WARM events) is reconciled first; the measured run
/// lists it again (the checkpoint stays Overlap behind the time it was listed), which the table shows as duplicates.
/// Azurite runs in memory here (see <see cref="LoadEnvironment.StartAsync"/>).
/// Usage: reconcile [count=20000] [warm=500]
internal static class ReconcileBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var warm = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        var ct = deadline.Token;
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot(), inMemory: true);
        var service = new TableServiceClient(environment.StorageConnectionString);
        ServerHandle[] servers = [await ServerHandle.StartAsync(environment, ReconcileServer.Windowed, "rwin"), await ServerHandle.StartAsync(environment, ReconcileServer.ListAll, "rall")];
        using var stripe = new HttpClient { BaseAddress = environment.StripeEmulator };
        stripe.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_bench_only");

        await MissAsync(stripe, service, servers, warm, ct);
        foreach (var server in servers)
        {
            await ReconcileAsync(server, ct);
        }

        var started = DateTime.UtcNow;
        await MissAsync(stripe, service, servers, count, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} missed events made in {(DateTime.UtcNow - started).TotalSeconds:F0} s (load average {File.ReadAllText("/proc/loadavg").Trim()})\n"));
        Console.WriteLine("| server | listed | stored | duplicates | s | events/s | ratio to (b) | peak RSS growth MiB | RSS before MiB | windows | checkpoints | checkpoints per window | list requests | storage round trips per listed event |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var rows = new List<(ServerHandle Server, ReconcileResult Result, double Growth, double Before, string RoundTrips)>();
        foreach (var server in servers)
        {
            await File.WriteAllTextAsync($"/proc/{server.Process.Id}/clear_refs", "5", ct);
            var before = StatusMiB(server, "VmRSS:");
            var result = await ReconcileAsync(server, ct);
            var settled = await SettledRoundTripsAsync(server, ct);
            var growth = StatusMiB(server, "VmHWM:") - before;
            var delta = settled.Where(k => k.Value - result.Before.GetValueOrDefault(k.Key) > 0)
                .Select(k => (k.Key, PerEvent: (k.Value - result.Before.GetValueOrDefault(k.Key)) / (double)result.Result.Run.Listed)).ToList();
            var text = string.Create(CultureInfo.InvariantCulture, $"{delta.Sum(d => d.PerEvent):F3} ({string.Join(", ", delta.Select(d => $"{d.Key} {d.PerEvent:0.###}"))})");
            rows.Add((server, result.Result, growth, before, text));
        }

        var baseline = rows.Single(r => r.Server.Kind == ReconcileServer.ListAll);
        foreach (var (server, result, growth, before, roundTrips) in rows)
        {
            var run = result.Run;
            var perSecond = run.Listed / result.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(server.Kind == ReconcileServer.Windowed ? "(a) windowed" : "(b) list all first")} | {run.Listed} | {run.Stored} | {run.Duplicates} | {result.Seconds:F1} | {perSecond:F0} | {perSecond / (baseline.Result.Run.Listed / baseline.Result.Seconds):F2} | {growth:F1} | {before:F0} | {run.Windows} | {run.Checkpoints} | {run.Checkpoints / (double)Math.Max(1, run.Windows):F2} | {run.ListRequests} | {roundTrips} |"));
        }

        return rows.All(r => r.Result.Run.Finished && r.Result.Run.Stored == count) ? 0 : 1;
    }

    /// Seeds bookings under both servers' prefixes, then pays intents for them at the emulator, whose webhooks go
    /// nowhere: each payment leaves one missed payment_intent.succeeded (and two events of other types). A booking
    /// takes 100 of the intents: Azurite slows down with every entity it holds (seeding 40,000 bookings took more than
    /// ten minutes), and a booking's partition holding many payment facts changes nothing for reconciliation.
    private static async Task MissAsync(HttpClient stripe, TableServiceClient service, ServerHandle[] servers, int count, CancellationToken ct)
    {
        var ids = new BookingIds();
        var bookingIds = Enumerable.Range(0, Math.Max(1, count / 100)).Select(_ => ids.Next()).ToArray();
        foreach (var server in servers)
        {
            await LoadData.SeedBookingsAsync(service.GetTableClient(server.TablePrefix + "Bookings"), bookingIds, ct);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            using var created = await stripe.PostAsync("/v1/payment_intents", Form(("amount", LoadData.Amount.ToString(CultureInfo.InvariantCulture)), ("currency", "eur"), ("metadata[bookingId]", bookingIds[i % bookingIds.Length]), ("automatic_payment_methods[enabled]", "true")), token);
            var intentId = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(token)).GetProperty("id").GetString();
            using var confirmed = await stripe.PostAsync($"/v1/payment_intents/{intentId}/confirm", Form(("payment_method", "pm_card_visa"), ("return_url", "https://spa.example/return")), token);
            confirmed.EnsureSuccessStatusCode();
        });
    }

    private static async Task<(ReconcileResult Result, IReadOnlyDictionary<string, long> Before)> ReconcileAsync(ServerHandle server, CancellationToken ct)
    {
        var before = (await server.StatsAsync(ct)).RoundTrips;
        // A run takes minutes; the servers' own client gives a request 30 s.
        using var client = new HttpClient { BaseAddress = server.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        using var response = await client.PostAsync("/bench/reconcile", null, ct);
        var result = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ReconcileResult>(ct))!;
        return (result, before);
    }

    /// The outbox clean-up deletes in the background: wait until the count rests.
    private static async Task<IReadOnlyDictionary<string, long>> SettledRoundTripsAsync(ServerHandle server, CancellationToken ct)
    {
        var last = await server.StatsAsync(ct);
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(250, ct);
            var now = await server.StatsAsync(ct);
            if (now.Total == last.Total)
            {
                return now.RoundTrips;
            }

            last = now;
        }

        return last.RoundTrips;
    }

    private static double StatusMiB(ServerHandle server, string field) =>
        long.Parse(File.ReadAllLines($"/proc/{server.Process.Id}/status").Single(l => l.StartsWith(field, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] pairs) => new(pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)));
}
