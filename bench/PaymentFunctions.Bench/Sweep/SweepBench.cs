using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Load;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bench.Sweep;

/// Issue 18: what one outbox sweep reads as the Bookings table grows (1x, 5x, 10x settled bookings) with the same small
/// pending work. "before": the scan the sweeper used to run (every row whose RowKey starts with outbox|, across all
/// partitions); "after": the app's OutboxSweeper over the pending-outbox index. Both in the same minutes on one Azurite.
/// Usage: sweep [bookings at 1x = 1000] [pending causes per sweep = 20]
internal static class SweepBench
{
    private const int Rounds = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var baseBookings = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var pendingCauses = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot());
        var counter = new EntityCounter();
        var prefix = "sweep" + Guid.NewGuid().ToString("N")[..8];
        using var app = await SweepApp.StartAsync(environment.StorageConnectionString, prefix, counter);
        var tables = app.Tables;
        await tables.EnsureCreatedAsync(CancellationToken.None);
        // Entries are marked "now"; the sweeper's clock runs three minutes later, so they are past its minimum age.
        var marks = new PendingOutbox(tables, TimeProvider.System);

        Console.WriteLine($"## Outbox sweep reads ({DateTime.UtcNow:u}, nproc {Environment.ProcessorCount}, load average {File.ReadAllText("/proc/loadavg")[..14]})\n");
        Console.WriteLine("| size | settled bookings | table rows | pending causes | before: reads | before: entities returned | before: entities in the key ranges read | before: ms | after: reads | after: entities returned | after: entities in the key ranges read | after: ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var seeded = 0;
        foreach (var size in new[] { 1, 5, 10 })
        {
            seeded += await SeedSettledAsync(tables, baseBookings * size - seeded);
            var before = new List<(long Requests, long Entities, double Ms)>();
            var after = new List<(long Requests, long Entities, double Ms)>();
            for (var round = 0; round < Rounds; round++)
            {
                await LeavePendingAsync(tables, marks, pendingCauses);
                before.Add(await MeasureAsync(counter, () => ScanAsOldSweeperDidAsync(tables)));
                after.Add(await MeasureAsync(counter, async () => await app.Sweeper.SweepAsync(CancellationToken.None)));
                await app.WaitForCleanupAsync();
            }

            var (b, a) = (Median(before), Median(after));
            var tableRows = seeded * SettledRows.Length + pendingCauses;
            // The old scan has no PartitionKey condition: its key range is the whole table. Every query of the new sweep
            // is a key range (index partitions; one booking's outbox|{cause}| rows) that it returns whole.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size}x | {seeded} | {tableRows} | {pendingCauses} | {b.Requests} | {b.Entities} | {tableRows} | {b.Ms:F0} | {a.Requests} | {a.Entities} | {a.Entities} | {a.Ms:F0} |"));
        }

        Console.WriteLine($"\nMedian of {Rounds} sweeps per size. Before: one query without a PartitionKey condition (Azure reads every row of the table, in pages of up to 1,000 results or 5 s); after: one range of index partitions, then one query per pending booking (and the sends). Times are Azurite's, whose in-memory store evaluates every query over every row of the table, partition or not: they do not show what Azure reads.");
        return 0;
    }

    private static readonly string[] SettledRows = [RowKeys.Booking, "inbox|stripe|evt_p", "inbox|stripe|evt_s", "payment|evt_p", "payment|evt_s", "history|0000000000000000001|evt_s"];

    private static async Task<int> SeedSettledAsync(PaymentTables tables, int count)
    {
        var ids = new BookingIds();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
        {
            var id = ids.Next();
            await tables.Bookings.SubmitTransactionAsync([.. SettledRows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(id, r) { ["Status"] = "CONFIRMED", ["Amount"] = 5000L }))], ct);
        });
        return count;
    }

    /// What a crash leaves: one outbox row per cause in a fresh booking's partition, and its pending entry.
    private static async Task LeavePendingAsync(PaymentTables tables, PendingOutbox marks, int count)
    {
        var ids = new BookingIds();
        for (var i = 0; i < count; i++)
        {
            var id = ids.Next();
            var message = new OutboxMessage("bookings", $"expiry:{id}:booking_cancelled", "bookticket.booking.cancelled.v1", "booking_cancelled", id, "{}");
            await tables.Bookings.AddEntityAsync(OutboxRow.ToEntity(message, $"expiry:{id}"));
            await marks.MarkAsync(id, $"expiry:{id}", CancellationToken.None);
        }
    }

    /// The read of the sweeper before issue 18: a RowKey range with no PartitionKey condition, i.e. the whole table.
    private static async Task ScanAsOldSweeperDidAsync(PaymentTables tables)
    {
        await foreach (var _ in tables.Bookings.QueryAsync<TableEntity>(KeyFilters.RowKeyStartingWith(RowKeys.OutboxPrefix), select: ["PartitionKey", "RowKey", "Timestamp"]))
        {
        }
    }

    private static async Task<(long Requests, long Entities, double Ms)> MeasureAsync(EntityCounter counter, Func<Task> sweep)
    {
        var start = counter.Snapshot();
        var clock = Stopwatch.StartNew();
        await sweep();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var end = counter.Snapshot();
        return (end.Requests - start.Requests, end.Entities - start.Entities, elapsed);
    }

    private static (long Requests, long Entities, double Ms) Median(List<(long Requests, long Entities, double Ms)> runs) =>
        (runs.Select(r => r.Requests).Order().ElementAt(runs.Count / 2), runs.Select(r => r.Entities).Order().ElementAt(runs.Count / 2), runs.Select(r => r.Ms).Order().ElementAt(runs.Count / 2));
}
