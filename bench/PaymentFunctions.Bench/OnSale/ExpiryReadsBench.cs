using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Load;
using PaymentFunctions.Bookings;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bench.OnSale;

/// Issue 18: what an expiry run reads at 1x, 5x and 10x the running holds, with the same holds due. The run's query is
/// the app's own (HoldIndex.DueAsync on PaymentTables); entities are counted as they come back, round trips by a
/// pipeline policy. Usage: expiry-reads [running=2000] [due=100]
internal static class ExpiryReadsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var running = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var due = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot());
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        Console.WriteLine($"expiry reads: {due} due holds beside 1x, 5x, 10x {running} running holds ({DateTime.UtcNow:u}, nproc {Environment.ProcessorCount})");
        Console.WriteLine("| running holds | due | entities read | round trips | run's query time |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var scale in new[] { 1, 5, 10 })
        {
            var counter = new CountRequests();
            var options = new TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerCall);
            var tables = new PaymentTables(new TableServiceClient(environment.StorageConnectionString, options), Options.Create(new StorageOptions { TablePrefix = $"reads{scale}x" }));
            await tables.EnsureCreatedAsync(CancellationToken.None);
            await Parallel.ForEachAsync(Enumerable.Range(0, (running * scale) + due), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                // Due: the last minute; running: spread over the next hour, as an on-sale's holds are.
                var endsAt = i < due ? now.AddSeconds(-1 - (i % 60)) : now.AddSeconds(1 + (i % 3600));
                await HoldIndex.AddAsync(tables, $"bk_{scale}x{i:D8}", endsAt, ct);
            });

            counter.Reset();
            var clock = Stopwatch.StartNew();
            var read = 0;
            await foreach (var _ in HoldIndex.DueAsync(tables, now, CancellationToken.None))
            {
                read++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {running * scale} | {due} | {read} | {counter.Count} | {clock.Elapsed.TotalMilliseconds:F0} ms |"));
        }

        return 0;
    }

    private sealed class CountRequests : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
