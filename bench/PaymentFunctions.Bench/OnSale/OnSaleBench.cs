using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Load;

namespace PaymentFunctions.Bench.OnSale;

/// Issue 18's on-sale on this box: INSTANCES standalone instances on one Azurite (each fires the timers, as ./run.sh
/// does; the timer lease gives each occurrence to one of them), Bookings:HoldTime one minute, the expiry timer every
/// 5 seconds, every Stripe request held STRIPE_MS at the emulator. Bookings from as many users, each with its intent;
/// PAID percent of them paid with pm_card_visa, so the emulator sends the signed webhooks; the rest expire.
///   expiry [count=300] [instances=2] [stripeMs=200]: the holds end together (Stripe is slowed once they exist);
///                                                   exit 1 unless all are CANCELLED within 15 s of the last hold end
///   onsale [count=20000] [paid%=10] [instances=2] [stripeMs=200] [concurrency=32]
internal static class OnSaleBench
{
    private const string TablePrefix = "onsale";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Bookings__HoldTime"] = "00:01:00",
        ["Timers__ExpirySchedule"] = "*/5 * * * * *",
        ["Timers__OutboxSweepSchedule"] = "0 */5 * * * *",
        ["Timers__ReconciliationSchedule"] = "0 0 0 1 1 *",
    };

    public static Task<int> ExpiryAsync(string[] args) =>
        RunAsync(new Plan(Arg(args, 0, 300), 0, Arg(args, 1, 2), Arg(args, 2, 200), 16, SlowStripeFromTheStart: false));

    public static Task<int> OnSaleAsync(string[] args) =>
        RunAsync(new Plan(Arg(args, 0, 20000), Arg(args, 1, 10), Arg(args, 2, 2), Arg(args, 3, 200), Arg(args, 4, 32), SlowStripeFromTheStart: true));

    private static async Task<int> RunAsync(Plan plan)
    {
        var firstPort = LoadEnvironment.FreePort();
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot(), new Uri($"http://127.0.0.1:{firstPort}/api/webhooks/stripe"), inMemory: true);
        var servers = new List<ServerHandle>();
        for (var i = 0; i < plan.Instances; i++)
        {
            servers.Add(await ServerHandle.StartAsync(environment, "onsale", TablePrefix, Settings, i == 0 ? firstPort : null));
        }

        using var stripe = new StripeControl(environment.StripeEmulator);
        Console.WriteLine($"{plan} ({DateTime.UtcNow:u}, nproc {Environment.ProcessorCount}, load average {File.ReadAllText("/proc/loadavg")[..14]})");
        if (plan.SlowStripeFromTheStart)
        {
            await stripe.SlowAsync(plan.StripeMs, plan.Count * 20);
        }

        var clock = Stopwatch.StartNew();
        var crowd = await Shoppers.BookAsync(servers, stripe, plan.Count, plan.PaidPercent, plan.Concurrency);
        var shoppers = crowd.Served;
        var accepted = clock.Elapsed;
        if (!plan.SlowStripeFromTheStart)
        {
            await stripe.SlowAsync(plan.StripeMs, plan.Count * 10);
        }

        var bookings = new TableServiceClient(environment.StorageConnectionString).GetTableClient(TablePrefix + "Bookings");
        var rows = await Settled.WaitAsync(bookings, shoppers, TimeSpan.FromMinutes(10));
        await stripe.ClearAsync();
        var report = await Settled.CheckAsync(rows, shoppers, stripe);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bookings accepted: {shoppers.Count} in {accepted.TotalSeconds:F0} s ({shoppers.Count / accepted.TotalSeconds:F1}/s, {shoppers.Count(s => s.Paid)} paid), {shoppers.Sum(s => s.Refusals)} answers 503 (Stripe busy) retried, {crowd.GaveUp} buyers gave up (no answer within 30 s)"));
        Console.WriteLine(report.Table);
        foreach (var server in servers)
        {
            var stats = await server.StatsAsync(CancellationToken.None);
            Console.WriteLine($"instance {server.Process.Id}: {stats.Total} storage round trips, peak RSS {server.Process.PeakWorkingSetBytes() / (1024 * 1024)} MiB");
        }

        return crowd.GaveUp == 0 && report.Consistent && (plan.PaidPercent > 0 || report.LastHoldEndToAllSettled.TotalSeconds <= 15) ? 0 : 1;
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private sealed record Plan(int Count, int PaidPercent, int Instances, int StripeMs, int Concurrency, bool SlowStripeFromTheStart);
}
