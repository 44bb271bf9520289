using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Stores a verified Stripe event exactly once and publishes what it means. One entity-group transaction in
/// the booking's partition holds the outbox row, the inbox row, the booking's existence check and the payment fact
/// row; only after it committed are the outbox rows sent (and cleaned up). A crash anywhere leaves either nothing
/// (Stripe redelivers and we start over) or a committed batch whose unsent outbox row the redelivery finds and
/// sends. Webhooks and reconciliation both come through here.
///
/// Storage round trips of a new event: the transaction, after the retention entry of the booking's inbox rows (once
/// per booking and minute in this process, group-committed: see <see cref="RetentionIndex"/>); the outbox row's delete
/// is batched off the request path (OutboxCleanup, once the transport holds the message durably). Nothing is read
/// first (the booking id comes from our own metadata on our own intent, its existence is checked inside the
/// transaction, and the payment fact is appended instead of merged into a state row). A redelivery: the same
/// transaction, answered 409 - at the outbox row while it is still there (not yet known to be delivered: it is sent
/// again, and duplicate detection drops a copy already delivered), at the payment fact row when it is gone (then
/// there is nothing to send and no query is needed). Should the process die before its outbox row is sent, Stripe's redelivery (or reconciliation)
/// sends it; should the send fail, the row is also indexed as pending and the outbox sweeper sends it.
public sealed class WebhookProcessor(
    PaymentTables tables,
    BookingResolver resolver,
    OutboxSender outbox,
    RetentionIndex retention,
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

        var match = await resolver.ResolveAsync(stripeEvent, cancellationToken);
        if (match is null)
        {
            return await UnmatchedAsync(stripeEvent, cancellationToken);
        }

        var bookingId = match.BookingId;
        PaymentEvent paymentEvent;
        try
        {
            paymentEvent = StripeEventMapper.Map(stripeEvent, match)!;
        }
        catch (FormatException ex)
        {
            // Redelivery cannot fix a malformed event, and days of 5xx would make Stripe disable the endpoint for
            // every event: it is kept for a person to look at, loudly, and acknowledged.
            logger.LogError("Stripe event {EventId} ({Type}) for booking {BookingId} cannot be mapped and was recorded as unprocessable: {Error}", stripeEvent.Id, stripeEvent.Type, bookingId, ex.Message);
            await RecordAsync("unprocessable", stripeEvent, cancellationToken, ex.Message);
            return WebhookOutcome.Unprocessable;
        }

        var message = CloudEventEnvelope.ToOutboxMessage(paymentEvent);
        var outboxRow = OutboxRow.ToEntity(message, stripeEvent.Id);
        var receivedAt = time.GetUtcNow();
        // The same rows on every attempt and redelivery: nothing is read to plan them. The payment fact row, kept for
        // good, is what makes a second arrival a duplicate (an Add that meets it fails), at any age; the inbox row is the
        // receipt, deleted after Retention:StripeInbox, so a redelivery after that still changes nothing.
        var writes = new CommitWrites(
            PaymentState.FactRow(paymentEvent, message),
            StateWrite.MustExist(new TableEntity(bookingId, RowKeys.Booking)),
            [InboxRow(bookingId, stripeEvent, receivedAt)],
            Sentinel: outboxRow);
        await retention.FileAsync(RetentionKind.StripeInbox, bookingId, null, receivedAt, cancellationToken);
        var commit = await ExactlyOnceCommit.RunAsync(tables.Bookings, bookingId, _ => Task.FromResult(new CommitPlan<bool>(true, writes)), cancellationToken);
        if (commit.Outcome == CommitOutcome.Missing)
        {
            return await UnmatchedAsync(stripeEvent, cancellationToken);
        }

        int sent;
        try
        {
            faults.Reached(FaultInjection.WebhookAfterBatch);
            sent = commit.Outcome switch
            {
                CommitOutcome.Committed => await outbox.SendAsync([outboxRow], cancellationToken),
                CommitOutcome.Duplicate => await outbox.SendPendingAsync(bookingId, stripeEvent.Id, cancellationToken),
                _ => 0,
            };
        }
        catch (Exception ex) when (commit.Outcome != CommitOutcome.DuplicateSettled)
        {
            // Stripe (or reconciliation) redelivers this event, so nothing was indexed before the commit; the rows may
            // now be unsent, and Stripe's next try may be hours away.
            await outbox.IndexAfterFailureAsync(bookingId, stripeEvent.Id, ex);
            throw;
        }

        var duplicate = commit.Outcome != CommitOutcome.Committed;
        logger.LogInformation("Stripe event {EventId} ({Type}) for booking {BookingId}: {Result}, {Sent} message(s) sent", stripeEvent.Id, stripeEvent.Type, bookingId, duplicate ? "already stored" : "stored", sent);
        return duplicate ? WebhookOutcome.Duplicate : WebhookOutcome.Stored;
    }

    private async Task<WebhookOutcome> UnmatchedAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        logger.LogWarning("Stripe event {EventId} ({Type}) belongs to no booking of ours; recorded and acknowledged", stripeEvent.Id, stripeEvent.Type);
        await RecordAsync("unmatched", stripeEvent, cancellationToken);
        return WebhookOutcome.Unmatched;
    }

    private static TableEntity InboxRow(string bookingId, Event stripeEvent, DateTimeOffset receivedAt) => new(bookingId, RowKeys.StripeInbox(stripeEvent.Id))
    {
        ["Type"] = stripeEvent.Type,
        ["Created"] = StripeEventMapper.CreatedAt(stripeEvent),
        ["ReceivedAt"] = receivedAt,
    };

    /// Events we do not publish are still recorded (by type), so an audit can show we saw them, for Retention:EventRecords.
    private async Task RecordAsync(string kind, Event stripeEvent, CancellationToken cancellationToken, string? problem = null)
    {
        var receivedAt = time.GetUtcNow();
        var record = new TableEntity(RowKeys.StripeEventRecordPartition(kind, stripeEvent.Type), RowKeys.StripeEventRecordRow(stripeEvent.Id))
        {
            ["Created"] = StripeEventMapper.CreatedAt(stripeEvent),
            ["ReceivedAt"] = receivedAt,
            ["Problem"] = problem,
            // Enough of the object to investigate; a table property holds at most 64 KiB.
            ["DataObject"] = problem is null ? null : Truncate((stripeEvent.Data?.Object as StripeEntity)?.ToJson() ?? "", 16 * 1024),
        };
        await retention.FileAsync(RetentionKind.EventRecord, record.PartitionKey, record.RowKey, receivedAt, cancellationToken);
        await tables.Lookups.UpsertCheckedAsync(record, TableUpdateMode.Replace, cancellationToken);
    }

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
