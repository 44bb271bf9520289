using System.Diagnostics;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Webhooks;
using Stripe;

namespace PaymentFunctions.Bench.Reconcile;

/// The server side of the reconciliation bench: POST /bench/reconcile runs one reconciliation and answers what it did.
/// "reconcile" is the app's <see cref="StripeReconciliation"/> (windows, oldest first, one page in memory);
/// "reconcile-all" is what it replaced, kept here as the baseline: every event since the lookback listed into memory,
/// sorted, then processed through the same <see cref="WebhookProcessor"/>.
internal static class ReconcileServer
{
    public const string Windowed = "reconcile";
    public const string ListAll = "reconcile-all";

    public static void Map(WebApplication app, string kind, RoundTripCounter counter)
    {
        if (kind is not (Windowed or ListAll))
        {
            return;
        }

        // A plain RequestDelegate, as /bench/stats: a minimal-API handler would load expression trees into the RSS.
        app.MapPost("/bench/reconcile", async http =>
        {
            var clock = Stopwatch.StartNew();
            var run = kind == Windowed
                ? await http.RequestServices.GetRequiredService<StripeReconciliation>().RunAsync(http.RequestAborted)
                : await ListAllFirstAsync(http.RequestServices, http.RequestAborted);
            await http.Response.WriteAsJsonAsync(new ReconcileResult(run, clock.Elapsed.TotalSeconds, counter.Snapshot()));
        });
    }

    private static async Task<ReconciliationRun> ListAllFirstAsync(IServiceProvider services, CancellationToken ct)
    {
        var stripe = services.GetRequiredService<StripeClient>();
        var processor = services.GetRequiredService<WebhookProcessor>();
        var options = new EventListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = DateTime.UtcNow - TimeSpan.FromDays(3) },
            Limit = 100,
            Types = [.. StripeEventMapper.PublishedTypes],
        };
        var events = new List<Event>();
        var pages = 0;
        await foreach (var listed in stripe.V1.Events.ListAutoPagingAsync(options, cancellationToken: ct))
        {
            pages += events.Count % 100 == 0 ? 1 : 0;
            events.Add(listed);
        }

        var (stored, duplicates) = (0, 0);
        foreach (var stripeEvent in events.OrderBy(StripeEventMapper.CreatedAt))
        {
            var outcome = await processor.ProcessAsync(stripeEvent, ct);
            stored += outcome == WebhookOutcome.Stored ? 1 : 0;
            duplicates += outcome == WebhookOutcome.Duplicate ? 1 : 0;
        }

        return new ReconciliationRun(events.Count, stored, duplicates, Windows: 1, Checkpoints: 0, pages, Finished: true);
    }
}

internal sealed record ReconcileResult(ReconciliationRun Run, double Seconds, IReadOnlyDictionary<string, long> RoundTrips);
