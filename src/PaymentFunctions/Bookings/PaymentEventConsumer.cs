using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// One message of topic "payments" applied to its booking, exactly once (BookingUpdater's commit, keyed by the
/// message id). Anything it cannot apply throws, so the message is redelivered and in the end dead-lettered. Service
/// Bus redelivers a message until it is completed, so a crash after the commit needs no pending-outbox entry.
/// An event moves the booking only for a PaymentIntent or Checkout Session the booking issued (<see cref="IssuedIntents"/>):
/// the booking id comes from metadata (or a session's client_reference_id), which any integration on the same Stripe
/// account can set.
public sealed class PaymentEventConsumer(BookingUpdater updater, PaymentTables tables, TimeProvider time, ILogger<PaymentEventConsumer> logger)
{
    public Task<BookingUpdate> ApplyAsync(byte[] message, string messageId, CancellationToken cancellationToken) =>
        ApplyAsync(message, messageId, deliveryCount: 1, cancellationToken);

    /// <paramref name="deliveryCount"/> above 1: Service Bus delivers the message again, most likely already applied.
    public async Task<BookingUpdate> ApplyAsync(byte[] message, string messageId, int deliveryCount, CancellationToken cancellationToken)
    {
        var paymentEvent = CloudEventEnvelope.ReadPaymentEvent(message);
        using var bookingScope = logger.BeginScope(new Dictionary<string, object> { ["BookingId"] = paymentEvent.BookingId, ["StripeEventId"] = paymentEvent.StripeEventId });
        var cause = EventTypes.TypeOf(paymentEvent.GetType());
        var issued = new IssuedIntents(paymentEvent.PaymentIntentId, paymentEvent.CheckoutSessionId);
        Task<BookingUpdate> Apply() => updater.ApplyAsync(
            paymentEvent.BookingId, messageId, cause, booking => FactsAfter(booking, paymentEvent, issued), OutboxRecovery.Redelivery, redelivered: deliveryCount > 1, cancellationToken);

        var update = await Apply();
        if (issued.NeedsRows)
        {
            // Not the booking's current intent: only now are its intent rows read (one query in its partition), and the
            // event applied again with them. The first pass wrote nothing, so this is still the one commit of the message.
            // The rows are complete: an intent's row is written before its client secret leaves the app, so before anyone
            // can have paid it.
            issued.Load(await IssuedIntents.ReadAsync(tables, paymentEvent.BookingId, cancellationToken));
            if (!issued.RowsHoldIt)
            {
                // Before the commit: after it, a redelivery is settled by the inbox and would write no record.
                await RecordUnissuedAsync(paymentEvent, messageId, cause, cancellationToken);
            }

            update = await Apply();
        }

        logger.LogInformation("Message {MessageId} for booking {BookingId}: {From} -> {To}{Duplicate}", messageId, paymentEvent.BookingId, update.From, update.To, update.Duplicate ? " (already applied)" : "");
        return update;
    }

    /// Null while the intent rows are still needed (nothing is written then); the facts unchanged for an intent the
    /// booking never issued, so only the inbox row is written and a redelivery is a duplicate.
    internal static PaymentFacts? FactsAfter(Booking booking, PaymentEvent paymentEvent, IssuedIntents issued)
    {
        switch (issued.Decide(booking))
        {
            case IntentVerdict.Unknown:
                return null;
            case IntentVerdict.NotIssued:
                return booking.Facts;
        }

        // A payment of another amount or currency must not confirm the booking: a person has to look at it.
        if (paymentEvent is PaymentSucceeded && (paymentEvent.Amount != booking.Amount || !string.Equals(paymentEvent.Currency, booking.Currency, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"Booking {booking.Id} costs {booking.Amount} {booking.Currency} but {paymentEvent.PaymentIntentId} was paid {paymentEvent.Amount} {paymentEvent.Currency}.");
        }

        // Only the booking's current intent or session can cancel it: an older attempt canceled (or expired) after a
        // new one was issued, or after the booking moved to the other way of paying, says nothing about it any more.
        if (paymentEvent is PaymentCanceled && !IsCurrent(booking, paymentEvent))
        {
            return booking.Facts;
        }

        return BookingStateMachine.Apply(booking.Facts, paymentEvent);
    }

    private static bool IsCurrent(Booking booking, PaymentEvent paymentEvent) =>
        booking.CheckoutSessionId is { } session
            ? paymentEvent.CheckoutSessionId == session
            : booking.PaymentIntentId is { } intent && paymentEvent.CheckoutSessionId is null && paymentEvent.PaymentIntentId == intent;

    /// Keyed by the message, so a redelivery after a crash before the commit writes the same row again.
    private async Task RecordUnissuedAsync(PaymentEvent paymentEvent, string messageId, string cause, CancellationToken cancellationToken)
    {
        logger.LogWarning(
            "Booking {BookingId} did not issue PaymentIntent {IntentId} (Checkout Session {CheckoutSessionId}), yet {Cause} {MessageId} (Stripe event {StripeEventId}, {Amount} {Currency}) names it in its metadata; the booking is left as it is and the event is recorded as {RowKey} for a person to look at",
            paymentEvent.BookingId, paymentEvent.PaymentIntentId, paymentEvent.CheckoutSessionId ?? "none", cause, messageId, paymentEvent.StripeEventId, paymentEvent.Amount, paymentEvent.Currency, RowKeys.UnissuedIntent(paymentEvent.PaymentIntentId, messageId));
        await tables.Bookings.UpsertCheckedAsync(
            new TableEntity(paymentEvent.BookingId, RowKeys.UnissuedIntent(paymentEvent.PaymentIntentId, messageId))
            {
                ["PaymentIntentId"] = paymentEvent.PaymentIntentId,
                ["CheckoutSessionId"] = paymentEvent.CheckoutSessionId,
                ["Cause"] = cause,
                ["MessageId"] = messageId,
                ["StripeEventId"] = paymentEvent.StripeEventId,
                ["Amount"] = paymentEvent.Amount,
                ["Currency"] = paymentEvent.Currency,
                ["OccurredAt"] = paymentEvent.OccurredAt,
                ["RecordedAt"] = time.GetUtcNow(),
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }
}
