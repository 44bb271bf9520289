using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Webhooks;

/// Lists Stripe's events since the stored checkpoint and feeds them through the webhook pipeline, which
/// skips the ones already in the inbox. A missed or misconfigured webhook endpoint therefore loses nothing.
/// The checkpoint only moves after every event up to it was stored.
public sealed class StripeReconciliation(
    StripeClient stripe,
    WebhookProcessor processor,
    PaymentTables tables,
    TimeProvider time,
    ILogger<StripeReconciliation> logger)
{
    public const string Name = "StripeReconciliation";

    // Events created in the same second as the checkpoint may not all have been listed last time.
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstRunLookback = TimeSpan.FromDays(3);

    public async Task<ReconciliationRun> RunAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var checkpoint = await tables.Lookups.GetEntityAsync("checkpoint", "stripe-events", ct: cancellationToken);
        var since = checkpoint?.GetDateTimeOffset("Created") ?? time.GetUtcNow() - FirstRunLookback;

        var events = new List<StripeEvent>();
        string? startingAfter = null;
        do
        {
            var page = await stripe.ListEventsAsync(new EventListOptions { CreatedGte = since - Overlap, StartingAfter = startingAfter, Limit = 100, Types = [.. StripeEventMapper.PublishedTypes] }, cancellationToken);
            events.AddRange(page.Data);
            startingAfter = page.HasMore && page.Data.Count > 0 ? page.Data[^1].Id : null;
        }
        while (startingAfter is not null);

        // Oldest first, and the checkpoint follows the progress: a run that fails or times out halfway keeps
        // what it did, and the next run starts from there.
        var stored = 0;
        var processed = 0;
        var progress = since;
        try
        {
            foreach (var stripeEvent in events.OrderBy(e => e.Created).ThenBy(e => e.Id, StringComparer.Ordinal))
            {
                if (await processor.ProcessAsync(stripeEvent, cancellationToken) == WebhookOutcome.Stored)
                {
                    stored++;
                }

                progress = stripeEvent.Created > progress ? stripeEvent.Created : progress;
                if (++processed % 50 == 0)
                {
                    await SaveCheckpointAsync(progress, cancellationToken);
                }
            }
        }
        finally
        {
            if (progress > since)
            {
                await SaveCheckpointAsync(progress, CancellationToken.None);
            }
        }

        logger.LogInformation("Reconciliation: {Listed} Stripe event(s) since {Since:O}, {Stored} were missing and are now stored", events.Count, since, stored);
        return new ReconciliationRun(events.Count, stored);
    }

    private async Task SaveCheckpointAsync(DateTimeOffset created, CancellationToken cancellationToken) =>
        await tables.Lookups.UpsertEntityAsync(new TableEntity("checkpoint", "stripe-events") { ["Created"] = created }, TableUpdateMode.Replace, cancellationToken);
}

public sealed record ReconciliationRun(int Listed, int Stored);
