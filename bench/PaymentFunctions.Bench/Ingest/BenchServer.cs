using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Reconcile;
using PaymentFunctions.Hosting.Standalone;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Bench.Ingest;

/// One server of the ingest bench, in its own process so its peak RSS is its own:
/// "e2e" the app as run.sh runs it (standalone, in-process transport, the booking consumer confirming bookings);
/// "ingest" the same app with a publisher that only counts (no consumer);
/// "baseline" the plain official-SDK webhook (<see cref="BaselineWebhook"/>);
/// "reconcile" and "reconcile-all" the app answering POST /bench/reconcile (<see cref="ReconcileServer"/>).
/// Every table call goes through a <see cref="RoundTripCounter"/>; GET /bench/stats reports the counts.
/// Usage: serve {e2e|ingest|baseline} port storageConnectionString tablePrefix stripeApiBase appDirectory
internal static class BenchServer
{
    public const string DevSigningKey = "bench-only-signing-key-0123456789-0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        var (kind, port, storage, prefix, stripeApiBase, appDirectory) = (args[0], int.Parse(args[1], CultureInfo.InvariantCulture), args[2], args[3], args[4], args[5]);
        var counter = new RoundTripCounter();
        var publisher = kind is "ingest" or ReconcileServer.Windowed or ReconcileServer.ListAll ? new CountingPublisher() : null;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = appDirectory, EnvironmentName = "Development" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage,
            ["Storage:TablePrefix"] = prefix,
            ["ServiceBus:Transport"] = "InProcess",
            ["Stripe:SecretKey"] = "sk_test_bench_only",
            ["Stripe:ApiBase"] = stripeApiBase,
            ["Stripe:WebhookSecrets:0"] = LoadData.WebhookSecret,
            // "onsale" servers fire the timers themselves, as ./run.sh does (schedules from the environment).
            ["Timers:RunLocally"] = kind == "onsale" ? "true" : "false",
            ["Auth:DevSigningKey"] = DevSigningKey,
            ["Logging:LogLevel:Default"] = "Warning",
            // The reconciliation bench measures one run over the whole backlog, so the budget is the longest allowed.
            ["Reconciliation:TimeBudget"] = "00:04:00",
        });

        WebApplication app;
        if (kind == "baseline")
        {
            app = builder.Build();
            app.Use(CountAsRequestPath);
            var table = new TableServiceClient(storage, counter.Options()).GetTableClient(prefix + "Bookings");
            await table.CreateIfNotExistsAsync();
            BaselineWebhook.Map(app, table, LoadData.WebhookSecret);
        }
        else
        {
            builder.Services.AddPaymentFunctions(builder.Configuration);
            builder.Services.AddStandaloneHost(builder.Configuration);
            // Registered after the app's own, so these are the ones resolved.
            builder.Services.AddSingleton(new TableServiceClient(storage, counter.Options()));
            if (publisher is not null)
            {
                builder.Services.AddSingleton<ITopicPublisher>(publisher);
            }

            app = builder.Build();
            app.Use(CountAsRequestPath);
            app.UseStandaloneHost();
            ReconcileServer.Map(app, kind, counter);
        }

        // A plain RequestDelegate: a minimal-API handler would compile expression trees in every server process
        // and load System.Linq.Expressions, which would count in the app's memory.
        app.MapGet("/bench/stats", http =>
        {
            var gc = GC.GetGCMemoryInfo();
            return http.Response.WriteAsJsonAsync(new BenchStats(counter.Snapshot(), counter.OnRequestPath, publisher?.Messages ?? -1, gc.TotalCommittedBytes, gc.HeapSizeBytes));
        });
        await app.RunAsync();
        return 0;
    }

    private static async Task CountAsRequestPath(HttpContext context, RequestDelegate next)
    {
        RoundTripCounter.EnterRequest();
        await next(context);
    }
}

/// <param name="RoundTrips">Storage round trips by operation, counted by a pipeline policy.</param>
/// <param name="OnRequestPath">The round trips made while a request was being answered.</param>
/// <param name="Published">Messages the publisher counted.</param>
/// <param name="GcCommittedBytes">What the GC has committed now (a part of the process's anonymous memory).</param>
/// <param name="GcHeapBytes">The managed heap's size at the last collection.</param>
internal sealed record BenchStats(IReadOnlyDictionary<string, long> RoundTrips, long OnRequestPath, long Published, long GcCommittedBytes, long GcHeapBytes)
{
    public long Total => RoundTrips.Values.Sum();
}
