using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Load;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Http;
using PaymentFunctions.Operations;
using PaymentFunctions.Retention;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bench.Sweep;

/// Issue 19's one-off: the retention backfill over the rows an earlier version left without index entries, page by
/// page as an operator runs it, then the retention runs that delete those rows 91 days later. Counts what each part
/// reads and writes (EntityCounter on the app's own TableServiceClient). Usage: backfill [bookings = 5000] [page size = 200]
internal static class BackfillBench
{
    // As an earlier version left a paid and refunded booking: 3 inbox rows among 7.
    private static readonly string[] BookingRows = [RowKeys.Booking, "payment|evt_p", "payment|evt_r", "history|0000000000000000001|evt_p"];
    private static readonly string[] InboxRows = ["inbox|stripe|evt_p", "inbox|stripe|evt_r", "inbox|evt_p:payment_intent.succeeded"];
    private const int BookingsPerUser = 5;
    private const int BookingsPerRecord = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var bookings = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var pageSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : PageQuery.MaxPageSize;
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot(), inMemory: true);
        var counter = new EntityCounter();
        var clock = new MovableClock();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = environment.StorageConnectionString,
            ["Storage:TablePrefix"] = "bf" + Guid.NewGuid().ToString("N")[..8],
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddStorage()
            .AddRetention()
            .AddSingleton(new TableServiceClient(environment.StorageConnectionString, counter.Options()))
            .BuildServiceProvider();
        var tables = services.GetRequiredService<PaymentTables>();
        await tables.EnsureCreatedAsync(CancellationToken.None);
        var legacy = await SeedAsync(tables, bookings, clock.GetUtcNow());

        Console.WriteLine($"## Retention backfill ({DateTime.UtcNow:u}, nproc {Environment.ProcessorCount}, load average {File.ReadAllText("/proc/loadavg")[..14]})\n");
        Console.WriteLine($"{bookings} bookings of an earlier version ({bookings * (BookingRows.Length + InboxRows.Length)} Bookings rows, {legacy.Inbox} of them inbox rows), {legacy.Keys} idempotency keys, {legacy.Records} event records, received over the last hour; pages of {pageSize}.\n");
        Console.WriteLine("| scan | calls | rows read | entries filed | reads | entities read | writes | ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var backfill = new RetentionBackfill(tables, services.GetRequiredService<RetentionIndex>(), services.GetRequiredService<AuditTrail>());
        string? cursor = null;
        var scans = new Dictionary<string, (int Calls, int Rows, int Entries, long Reads, long Entities, long Writes, double Ms)>();
        do
        {
            var (reads, entities) = counter.Snapshot();
            var writes = counter.Writes;
            var watch = Stopwatch.StartNew();
            var page = await backfill.FileAsync("bench-operator", new PageQuery(pageSize, cursor), CancellationToken.None) ?? throw new InvalidOperationException("The backfill refused its own cursor.");
            var elapsed = watch.Elapsed.TotalMilliseconds;
            var (readsAfter, entitiesAfter) = counter.Snapshot();
            var s = scans.GetValueOrDefault(page.Scan);
            scans[page.Scan] = (s.Calls + 1, s.Rows + page.Rows, s.Entries + page.Entries, s.Reads + readsAfter - reads, s.Entities + entitiesAfter - entities, s.Writes + counter.Writes - writes, s.Ms + elapsed);
            cursor = page.Next;
        }
        while (cursor is not null);

        foreach (var (scan, s) in scans)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {scan} | {s.Calls} | {s.Rows} | {s.Entries} | {s.Reads} | {s.Entities} | {s.Writes} | {s.Ms:F0} |"));
        }

        // 91 days on, every window has passed: the retention timer's runs delete what the backfill filed.
        clock.Offset = TimeSpan.FromDays(91);
        var sweep = services.GetRequiredService<RetentionSweep>();
        Console.WriteLine("\n| retention run | entries | rows deleted | reads | entities read | writes | ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        for (var number = 1; ; number++)
        {
            var (reads, entities) = counter.Snapshot();
            var writes = counter.Writes;
            var run = await sweep.RunAsync(CancellationToken.None);
            var (readsAfter, entitiesAfter) = counter.Snapshot();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {number} | {run.Entries} | {run.Rows} | {readsAfter - reads} | {entitiesAfter - entities} | {counter.Writes - writes} | {run.Duration.TotalMilliseconds:F0} |"));
            if (run.Entries == 0)
            {
                break;
            }
        }

        var left = 0;
        await foreach (var _ in tables.Bookings.QueryAsync<TableEntity>(KeyFilters.RowKeyStartingWith(RowKeys.InboxPrefix), select: ["PartitionKey"]))
        {
            left++;
        }

        Console.WriteLine($"\nInbox rows left: {left}. Times are Azurite's (in memory) on a shared box: compare the counts.");
        return left == 0 ? 0 : 1;
    }

    private static async Task<(int Inbox, int Keys, int Records)> SeedAsync(PaymentTables tables, int bookings, DateTimeOffset now)
    {
        var ids = new BookingIds();
        await Parallel.ForEachAsync(Enumerable.Range(0, bookings), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var id = ids.Next();
            var receivedAt = now.AddSeconds(-(i % 3600));
            var rows = BookingRows.Select(r => new TableEntity(id, r) { ["Status"] = "CONFIRMED" })
                .Concat(InboxRows.Select(r => new TableEntity(id, r) { ["ReceivedAt"] = receivedAt }));
            await tables.Bookings.SubmitTransactionAsync([.. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))], ct);
            if (i % BookingsPerUser == 0)
            {
                await tables.Idempotency.AddEntityAsync(new TableEntity($"user-{i / BookingsPerUser}", "k" + id) { ["ExpiresAt"] = receivedAt.AddDays(1) }, ct);
            }

            if (i % BookingsPerRecord == 0)
            {
                await tables.Lookups.AddEntityAsync(new TableEntity(RowKeys.StripeEventRecordPartition("ignored", "customer.created"), "evt_" + id) { ["ReceivedAt"] = receivedAt }, ct);
            }
        });
        return (bookings * InboxRows.Length, (bookings + BookingsPerUser - 1) / BookingsPerUser, (bookings + BookingsPerRecord - 1) / BookingsPerRecord);
    }

    private sealed class MovableClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
