using Azure.Data.Tables;
using PaymentFunctions.Hosting;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments;
using PaymentFunctions.Payments.Events;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Stores a verified Stripe event exactly once and publishes what it means. One entity-group transaction in
/// the booking's partition holds the inbox row, the new payment state and the outbox rows; only after it
/// committed are the outbox rows sent and deleted. A crash anywhere leaves either nothing (Stripe redelivers
/// and we start over) or a committed batch whose unsent outbox rows the redelivery finds and sends.
/// Webhooks and reconciliation both come through here.
public sealed class WebhookProcessor(
    PaymentTables tables,
    BookingResolver resolver,
    OutboxSender outbox,
    FaultInjection faults,
    TimeProvider time,
    ILogger<WebhookProcessor> logger)
{
    public async Task<WebhookOutcome> ProcessAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        if (!StripeEventMapper.PublishedTypes.Contains(stripeEvent.Type))
        {
            await RecordAsync("ignored", stripeEvent, cancellationToken);
            return WebhookOutcome.Ignored;
        }

        var bookingId = await resolver.ResolveAsync(stripeEvent, cancellationToken);
        if (bookingId is null)
        {
            logger.LogWarning("Stripe event {EventId} ({Type}) belongs to no booking of ours; recorded and acknowledged", stripeEvent.Id, stripeEvent.Type);
            await RecordAsync("unmatched", stripeEvent, cancellationToken);
            return WebhookOutcome.Unmatched;
        }

        PaymentEvent paymentEvent;
        try
        {
            paymentEvent = StripeEventMapper.Map(stripeEvent, bookingId)!;
        }
        catch (FormatException ex)
        {
            // Redelivery cannot fix a malformed event, and days of 5xx would make Stripe disable the endpoint for
            // every event: it is kept for a person to look at, loudly, and acknowledged.
            logger.LogError("Stripe event {EventId} ({Type}) for booking {BookingId} cannot be mapped and was recorded as unprocessable: {Error}", stripeEvent.Id, stripeEvent.Type, bookingId, ex.Message);
            await RecordAsync("unprocessable", stripeEvent, cancellationToken, ex.Message);
            return WebhookOutcome.Unprocessable;
        }

        var outboxRow = OutboxRow.ToEntity(CloudEventEnvelope.ToOutboxMessage(paymentEvent), stripeEvent.Id);
        var commit = await ExactlyOnceCommit.RunAsync(
            tables.Bookings,
            bookingId,
            async ct =>
            {
                var stored = await tables.Bookings.FindAsync(bookingId, RowKeys.Payment, ct);
                var current = stored is null ? null : PaymentState.FromEntity(stored);
                var next = PaymentState.Apply(current, paymentEvent);
                return new CommitPlan<PaymentState>(next, new CommitWrites(InboxRow(bookingId, stripeEvent), new StateWrite(next.ToEntity(), current?.ETag ?? default), [outboxRow]));
            },
            cancellationToken);
        var duplicate = commit.Outcome == CommitOutcome.Duplicate;

        faults.Reached(FaultInjection.WebhookAfterBatch);
        var sent = duplicate
            ? await outbox.SendPendingAsync(bookingId, stripeEvent.Id, cancellationToken)
            : await outbox.SendAsync([outboxRow], cancellationToken);
        logger.LogInformation("Stripe event {EventId} ({Type}) for booking {BookingId}: {Result}, {Sent} message(s) sent", stripeEvent.Id, stripeEvent.Type, bookingId, duplicate ? "already stored" : "stored", sent);
        return duplicate ? WebhookOutcome.Duplicate : WebhookOutcome.Stored;
    }

    private TableEntity InboxRow(string bookingId, Event stripeEvent) => new(bookingId, RowKeys.StripeInbox(stripeEvent.Id))
    {
        ["Type"] = stripeEvent.Type,
        ["Created"] = StripeEventMapper.CreatedAt(stripeEvent),
        ["ReceivedAt"] = time.GetUtcNow(),
    };

    /// Events we do not publish are still recorded (by type), so an audit can show we saw them.
    private async Task RecordAsync(string kind, Event stripeEvent, CancellationToken cancellationToken, string? problem = null) =>
        await tables.Lookups.UpsertCheckedAsync(
            new TableEntity(RowKeys.StripeEventRecordPartition(kind, stripeEvent.Type), RowKeys.StripeEventRecordRow(stripeEvent.Id))
            {
                ["Created"] = StripeEventMapper.CreatedAt(stripeEvent),
                ["ReceivedAt"] = time.GetUtcNow(),
                ["Problem"] = problem,
                // Enough of the object to investigate; a table property holds at most 64 KiB.
                ["DataObject"] = problem is null ? null : Truncate((stripeEvent.Data?.Object as StripeEntity)?.ToJson() ?? "", 16 * 1024),
            },
            TableUpdateMode.Replace,
            cancellationToken);

    private static string Truncate(string text, int maxChars) => text.Length <= maxChars ? text : text[..maxChars];
}

public enum WebhookOutcome
{
    Stored,
    Duplicate,
    Ignored,
    Unmatched,
    Unprocessable,
}
