using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Lists Stripe's events since the stored checkpoint and feeds them through the webhook pipeline, which skips the
/// ones already in the inbox, so a missed or misconfigured webhook endpoint loses nothing.
///
/// A backlog can be hundreds of thousands of events (minutes of missed webhooks at an on-sale's peak), so a run walks
/// it in time windows, oldest first, and saves the checkpoint after each: memory holds one page, a crash redoes at most
/// one window, and a run that reaches its time budget stops and leaves the rest to the next. Stripe lists newest first
/// only, so a window is made small enough to be one page (then reversed), down to one second, which created cannot
/// order any further and the checkpoint cannot divide (then its pages are processed as they come).
public sealed class StripeReconciliation(
    StripeClient stripe,
    WebhookProcessor processor,
    PaymentTables tables,
    FaultInjection faults,
    IOptions<StripeReconciliationOptions> options,
    TimeProvider time,
    ILogger<StripeReconciliation> logger)
{
    public const string Name = "StripeReconciliation";

    /// How long after an event's creation Stripe's list may still be missing it. A window listed sooner than this
    /// after its end is listed again by the next run, and only then does the checkpoint pass it.
    internal static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan FirstRunLookback = TimeSpan.FromDays(3);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly StripeReconciliationCheckpoint _checkpoint = new(tables);
    private readonly StripeReconciliationOptions _options = options.Value;

    public async Task<ReconciliationRun> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        await tables.EnsureCreatedAsync(cancellationToken);
        var settled = await _checkpoint.ReadAsync(Overlap, cancellationToken) ?? startedAt - FirstRunLookback;
        var since = WholeSecond(settled);
        // Up to the end of the current second: what it has now is stored now, and what it gets later is listed again
        // next run (the checkpoint never passes the overlap).
        var end = WholeSecond(startedAt) + Second;
        var tally = new ReconciliationTally();
        bool OverBudget() => time.GetUtcNow() - startedAt >= _options.TimeBudget;

        // Every window is tried even after one failed (webhooks may have missed the later events too), but the
        // checkpoint stops before the first failure, so the next run tries that one again.
        var (from, width, finished) = (since, end - since, true);
        while (from < end)
        {
            var to = from + width < end ? from + width : end;
            var listedAt = time.GetUtcNow();
            var outcome = OverBudget() ? WindowOutcome.OverBudget : await ReconcileWindowAsync(from, to, tally, OverBudget, cancellationToken);
            if (outcome == WindowOutcome.OverBudget)
            {
                finished = false;
                break;
            }

            if (outcome == WindowOutcome.TooManyEvents)
            {
                width = Half(to - from);
                continue;
            }

            tally.Windows++;
            var reached = to < listedAt - Overlap ? to : listedAt - Overlap;
            if (tally.Failures == 0 && reached > settled)
            {
                await _checkpoint.SaveAsync(reached, cancellationToken);
                (settled, tally.Checkpoints) = (reached, tally.Checkpoints + 1);
            }

            // A quiet stretch widens the window, so a long lookback costs a few requests, not one per minute.
            width = outcome == WindowOutcome.Sparse ? width * 2 : width;
            from = to;
        }

        if (tally.Failures > 0)
        {
            throw new InvalidOperationException($"Reconciliation stored {tally.Stored} event(s); {tally.Failures} failed and are retried next run: {string.Join(", ", tally.FailureIds)}.");
        }

        logger.LogInformation(
            "Reconciliation: {Listed} Stripe event(s) since {Since:O} in {Windows} window(s), {Stored} were missing and are now stored; {Result}",
            tally.Listed, since, tally.Windows, tally.Stored, finished ? "caught up" : "time budget reached, the next run goes on");
        return tally.ToRun(finished);
    }

    /// What the app asks GET /v1/events for (the contract test checks it against Stripe's spec): one window of whole
    /// seconds, only the types the app publishes (the rest would only be recorded as ignored).
    internal static EventListOptions Listing(DateTimeOffset from, DateTimeOffset to, int pageSize, string? startingAfter = null) => new()
    {
        Created = new DateRangeOptions { GreaterThanOrEqual = from.UtcDateTime, LessThan = to.UtcDateTime },
        Limit = pageSize,
        StartingAfter = startingAfter,
        Types = [.. StripeEventMapper.PublishedTypes],
    };

    private async Task<WindowOutcome> ReconcileWindowAsync(DateTimeOffset from, DateTimeOffset to, ReconciliationTally tally, Func<bool> overBudget, CancellationToken cancellationToken)
    {
        var page = await ListAsync(from, to, null, tally, cancellationToken);
        if (!page.HasMore)
        {
            // One page holds the whole window: newest first as listed, so reversed it is oldest first.
            foreach (var stripeEvent in Enumerable.Reverse(page.Data))
            {
                await ReconcileAsync(stripeEvent, tally, cancellationToken);
            }

            return page.Data.Count < _options.PageSize / 4 ? WindowOutcome.Sparse : WindowOutcome.Done;
        }

        if (to - from > Second)
        {
            return WindowOutcome.TooManyEvents;
        }

        // One second holding more than a page: its events are processed page by page as listed, one page in memory.
        while (true)
        {
            foreach (var stripeEvent in page.Data)
            {
                await ReconcileAsync(stripeEvent, tally, cancellationToken);
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                return WindowOutcome.Done;
            }

            if (overBudget())
            {
                return WindowOutcome.OverBudget;
            }

            page = await ListAsync(from, to, page.Data[^1].Id, tally, cancellationToken);
        }
    }

    private async Task<StripeList<Event>> ListAsync(DateTimeOffset from, DateTimeOffset to, string? startingAfter, ReconciliationTally tally, CancellationToken cancellationToken)
    {
        tally.ListRequests++;
        return await stripe.V1.Events.ListAsync(Listing(from, to, _options.PageSize, startingAfter), cancellationToken: cancellationToken);
    }

    private async Task ReconcileAsync(Event stripeEvent, ReconciliationTally tally, CancellationToken cancellationToken)
    {
        tally.Listed++;
        try
        {
            // Listed events come in the version they were rendered in (another release is not read blindly), and their
            // ids, type and currency become row keys, state and the MessageId, as a webhook's do.
            if (FetchedEvents.Refusal(stripeEvent) is { } refusal)
            {
                throw new InvalidOperationException(refusal);
            }

            var outcome = await processor.ProcessAsync(stripeEvent, cancellationToken);
            tally.Stored += outcome == WebhookOutcome.Stored ? 1 : 0;
            tally.Duplicates += outcome == WebhookOutcome.Duplicate ? 1 : 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Reconciliation could not store Stripe event {EventId} ({Type}); it is retried next run: {Error}", stripeEvent.Id, stripeEvent.Type, ex.Message);
            tally.Failed(stripeEvent.Id);
        }

        // Outside the catch: a crash here is the process dying with the event stored and its window's checkpoint unsaved.
        faults.Reached(FaultInjection.ReconciliationAfterEvent);
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    private static TimeSpan Half(TimeSpan width) => TimeSpan.FromSeconds(Math.Max(1, (long)width.TotalSeconds / 2));

    private enum WindowOutcome
    {
        Done,
        Sparse,
        TooManyEvents,
        OverBudget,
    }
}
