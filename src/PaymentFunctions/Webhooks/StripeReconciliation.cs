using Azure.Data.Tables;
using PaymentFunctions.Storage;
using Stripe;

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
        var checkpoint = await tables.Lookups.FindAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow, cancellationToken);
        var since = checkpoint?.GetDateTimeOffset("Created") ?? time.GetUtcNow() - FirstRunLookback;

        var events = new List<Event>();
        await foreach (var listed in stripe.V1.Events.ListAutoPagingAsync(Listing(since), cancellationToken: cancellationToken))
        {
            events.Add(listed);
        }

        // Oldest first. Every event is tried even if an earlier one fails (webhooks may have missed the later ones
        // too), but the checkpoint stops before the first failure, so the next run tries that one again. Saved as
        // it goes, so a run that times out halfway keeps its progress.
        var stored = 0;
        var failures = new List<string>();
        var progress = since;
        foreach (var (stripeEvent, index) in events.OrderBy(e => StripeEventMapper.CreatedAt(e)).ThenBy(e => e.Id, StringComparer.Ordinal).Select((e, i) => (e, i)))
        {
            try
            {
                // Listed events come in the version they were rendered in; another release is not read blindly.
                if (!StripeApiVersion.IsCompatible(stripeEvent.ApiVersion))
                {
                    throw new InvalidOperationException(StripeApiVersion.Mismatch(stripeEvent.Id, stripeEvent.ApiVersion));
                }

                // The same rule the webhook applies: ids, type and currency become row keys, state and the MessageId.
                if (StripeEventShape.Refusal(stripeEvent) is { } refusal)
                {
                    throw new FormatException(refusal);
                }

                stored += await processor.ProcessAsync(stripeEvent, cancellationToken) == WebhookOutcome.Stored ? 1 : 0;
                if (failures.Count == 0 && StripeEventMapper.CreatedAt(stripeEvent) > progress)
                {
                    progress = StripeEventMapper.CreatedAt(stripeEvent);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Reconciliation could not store Stripe event {EventId} ({Type}); it is retried next run: {Error}", stripeEvent.Id, stripeEvent.Type, ex.Message);
                failures.Add(stripeEvent.Id);
            }

            if ((index + 1) % 50 == 0 && progress > since)
            {
                await SaveCheckpointAsync(progress, cancellationToken);
            }
        }

        if (progress > since)
        {
            await SaveCheckpointAsync(progress, cancellationToken);
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"Reconciliation stored {stored} event(s); {failures.Count} failed and are retried next run: {string.Join(", ", failures.Take(10))}.");
        }

        logger.LogInformation("Reconciliation: {Listed} Stripe event(s) since {Since:O}, {Stored} were missing and are now stored", events.Count, since, stored);
        return new ReconciliationRun(events.Count, stored);
    }

    /// What the app asks GET /v1/events for (the contract test checks it against Stripe's spec); Stripe.net's
    /// auto-paging adds starting_after page by page.
    internal static EventListOptions Listing(DateTimeOffset since) => new()
    {
        Created = new DateRangeOptions { GreaterThanOrEqual = (since - Overlap).UtcDateTime },
        Limit = 100,
        Types = [.. StripeEventMapper.PublishedTypes],
    };

    private async Task SaveCheckpointAsync(DateTimeOffset created, CancellationToken cancellationToken) =>
        await tables.Lookups.UpsertCheckedAsync(new TableEntity(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow) { ["Created"] = created }, TableUpdateMode.Replace, cancellationToken);
}

public sealed record ReconciliationRun(int Listed, int Stored);
