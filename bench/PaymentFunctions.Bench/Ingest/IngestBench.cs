using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Load;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bench.Ingest;

/// Issue 10's bench, in one invocation on one Azurite: (a) the app end to end (bookings CONFIRMED by its consumer),
/// (b) the app's ingest path alone (messages counted at the publisher), (c) the plain official-SDK baseline; the
/// three take turns at every sender count, so their ratios come from the same minutes of the same box.
/// Usage: webhooks [count=600] [senders=1,16,64,256]
internal static class IngestBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var c) ? c : 600;
        var levels = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [1, 16, 64, 256];
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var ct = deadline.Token;
        using var environment = await LoadEnvironment.StartAsync(RepoRoot());
        var service = new TableServiceClient(environment.StorageConnectionString);
        ServerHandle[] servers = [
            await ServerHandle.StartAsync(environment, "baseline", "base"),
            await ServerHandle.StartAsync(environment, "ingest", "ingest"),
            await ServerHandle.StartAsync(environment, "e2e", "e2e"),
        ];
        var seed = 10;

        // Warm-up (JIT, connection pools, table creation), then the round trips of a quiet, serial load.
        foreach (var server in servers)
        {
            await RunLoadAsync(service, server, 40, 4, seed++, ct);
        }

        Console.WriteLine("## Storage round trips (serial, counted by a pipeline policy on each TableServiceClient)\n");
        Console.WriteLine("| server | per new webhook (all, background included) | of which on the request path | per duplicate | per consumed message | calls seen (new webhooks) |\n|---|---:|---:|---:|---:|---|");
        var ingestNew = 0.0;
        foreach (var server in servers)
        {
            var (perNew, perNewOnRequestPath, perDuplicate, calls) = await CountRoundTripsAsync(service, server, 40, seed++, ct);
            var perConsumed = server.Kind == "e2e" ? (perNew - ingestNew).ToString("F2", CultureInfo.InvariantCulture) : "-";
            ingestNew = server.Kind == "ingest" ? perNew : ingestNew;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Name(server)} | {perNew:F2} | {perNewOnRequestPath:F2} | {perDuplicate:F2} | {perConsumed} | {calls} |"));
        }

        Console.WriteLine("\n## Load (~10 % duplicates, two events per booking)\n");
        Console.WriteLine("| senders | server | webhooks | webhooks/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | bookings CONFIRMED | round trips per webhook (all / request path) | ratio to (c) | peak RSS so far MiB |\n|---:|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|");
        var ok = true;
        foreach (var senders in levels)
        {
            var n = senders == 1 ? Math.Min(count, 150) : count;
            double? baseline = null;
            foreach (var server in servers)
            {
                var before = await server.StatsAsync(ct);
                var (outcome, confirmed) = await RunLoadAsync(service, server, n, senders, seed++, ct);
                var after = await SettledStatsAsync(server, ct);
                var roundTrips = string.Create(CultureInfo.InvariantCulture, $"{(after.Total - before.Total) / (double)n:F2} / {(after.OnRequestPath - before.OnRequestPath) / (double)n:F2}");
                baseline ??= outcome.PerSecond;
                ok &= server.Kind != "e2e" || confirmed.EndsWith("(all)", StringComparison.Ordinal);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {senders} | {Name(server)} | {n} | {outcome.PerSecond:F1} | {outcome.Percentile(50):F0} | {outcome.Percentile(95):F0} | {outcome.Percentile(99):F0} | {outcome.MaxMs:F0} | {(outcome.NonSuccess is { Length: > 0 } bad ? bad : "none")} | {confirmed} | {roundTrips} | {outcome.PerSecond / baseline:F2} | {server.Process.PeakWorkingSetBytes() / 1048576.0:F0} |"));
            }
        }

        Console.WriteLine("\n## Peak RSS (VmHWM) per server process\n");
        foreach (var server in servers)
        {
            var gc = await server.StatsAsync(ct);
            Console.WriteLine($"- {Name(server)}: {server.Process.PeakWorkingSetBytes() / 1048576.0:F0} MiB (resident now: {server.Process.ResidentBreakdown()}; GC committed {gc.GcCommittedBytes / 1048576.0:F0} MiB, heap {gc.GcHeapBytes / 1048576.0:F0} MiB)");
            Console.WriteLine($"  - mapped files resident: {server.Process.LargestMappedFiles(12)}");
        }

        await IntentAndStartupBench.RunAsync(environment, servers[2], ct);
        return ok ? 0 : 1;
    }

    private static string Name(ServerHandle server) => server.Kind switch
    {
        "e2e" => "(a) app end to end",
        "ingest" => "(b) app ingest only",
        _ => "(c) plain SDK baseline",
    };

    private static async Task<(double PerNew, double PerNewOnRequestPath, double PerDuplicate, string Calls)> CountRoundTripsAsync(TableServiceClient service, ServerHandle server, int bookings, int seed, CancellationToken ct)
    {
        var table = service.GetTableClient(server.TablePrefix + "Bookings");
        var ids = await LoadData.SeedBookingsAsync(table, bookings, ct);
        var plan = ids.Select(id => new LoadData.Webhook(id, "evt_s_" + id, "payment_intent.succeeded", false)).ToList();
        var before = await server.StatsAsync(ct);
        await SenderLoad.PostAsync(server.Http, plan, 1, ct);
        await WaitForConfirmedAsync(table, server, ids, ct);
        var afterNew = await SettledStatsAsync(server, ct);
        await SenderLoad.PostAsync(server.Http, [.. plan.Select(w => w with { Duplicate = true })], 1, ct);
        var afterDuplicates = await SettledStatsAsync(server, ct);
        var calls = string.Join(", ", afterNew.RoundTrips.Select(k => (k.Key, Delta: k.Value - before.RoundTrips.GetValueOrDefault(k.Key))).Where(k => k.Delta > 0)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Delta / (double)bookings:0.##}")));
        return ((afterNew.Total - before.Total) / (double)bookings, (afterNew.OnRequestPath - before.OnRequestPath) / (double)bookings, (afterDuplicates.Total - afterNew.Total) / (double)bookings, calls);
    }

    /// Background work (the consumer, clean-ups) may still be talking to storage: wait until the count rests.
    private static async Task<BenchStats> SettledStatsAsync(ServerHandle server, CancellationToken ct)
    {
        var last = await server.StatsAsync(ct);
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(250, ct);
            var now = await server.StatsAsync(ct);
            if (now.Total == last.Total)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    internal static async Task<(SenderLoad.Outcome Outcome, string Confirmed)> RunLoadAsync(TableServiceClient service, ServerHandle server, int count, int senders, int seed, CancellationToken ct)
    {
        var table = service.GetTableClient(server.TablePrefix + "Bookings");
        var ids = await LoadData.SeedBookingsAsync(table, LoadData.BookingsFor(count), ct);
        var outcome = await SenderLoad.PostAsync(server.Http, LoadData.Plan(ids, count, seed), senders, ct);
        return (outcome, await WaitForConfirmedAsync(table, server, ids, ct));
    }

    private static async Task<string> WaitForConfirmedAsync(TableClient table, ServerHandle server, string[] ids, CancellationToken ct)
    {
        if (server.Kind != "e2e")
        {
            return "-";
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var confirmed = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            confirmed = 0;
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RowKeys.Booking} and Status eq {nameof(BookingStatus.CONFIRMED)}"), select: ["PartitionKey"], cancellationToken: ct))
            {
                confirmed += wanted.Contains(row.PartitionKey) ? 1 : 0;
            }

            if (confirmed == ids.Length)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{confirmed}/{ids.Length} after {clock.Elapsed.TotalSeconds:F1} s (all)");
            }

            await Task.Delay(200, ct);
        }

        return $"{confirmed}/{ids.Length} (NOT all)";
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PaymentFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (PaymentFunctions.sln).");
    }
}
