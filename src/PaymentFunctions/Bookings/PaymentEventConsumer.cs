using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Bookings;

/// One message of topic "payments" applied to its booking, exactly once (BookingUpdater's commit, keyed by the
/// message id). Anything it cannot apply throws, so the message is redelivered and in the end dead-lettered. Service
/// Bus redelivers a message until it is completed, so a crash after the commit needs no pending-outbox entry.
public sealed class PaymentEventConsumer(BookingUpdater updater, ILogger<PaymentEventConsumer> logger)
{
    public Task<BookingUpdate> ApplyAsync(byte[] message, string messageId, CancellationToken cancellationToken) =>
        ApplyAsync(message, messageId, deliveryCount: 1, cancellationToken);

    /// <paramref name="deliveryCount"/> above 1: Service Bus delivers the message again, most likely already applied.
    public async Task<BookingUpdate> ApplyAsync(byte[] message, string messageId, int deliveryCount, CancellationToken cancellationToken)
    {
        var paymentEvent = CloudEventEnvelope.ReadPaymentEvent(message);
        using var bookingScope = logger.BeginScope(new Dictionary<string, object> { ["BookingId"] = paymentEvent.BookingId, ["StripeEventId"] = paymentEvent.StripeEventId });
        var update = await updater.ApplyAsync(
            paymentEvent.BookingId, messageId, EventTypes.TypeOf(paymentEvent.GetType()), booking => FactsAfter(booking, paymentEvent), OutboxRecovery.Redelivery, redelivered: deliveryCount > 1, cancellationToken);
        logger.LogInformation("Message {MessageId} for booking {BookingId}: {From} -> {To}{Duplicate}", messageId, paymentEvent.BookingId, update.From, update.To, update.Duplicate ? " (already applied)" : "");
        return update;
    }

    private static PaymentFacts FactsAfter(Booking booking, PaymentEvent paymentEvent)
    {
        // A payment of another amount or currency must not confirm the booking: a person has to look at it.
        if (paymentEvent is PaymentSucceeded && (paymentEvent.Amount != booking.Amount || !string.Equals(paymentEvent.Currency, booking.Currency, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"Booking {booking.Id} costs {booking.Amount} {booking.Currency} but {paymentEvent.PaymentIntentId} was paid {paymentEvent.Amount} {paymentEvent.Currency}.");
        }

        // Only the booking's current intent can cancel it: an older attempt canceled after a new intent was issued
        // says nothing about the booking any more.
        if (paymentEvent is PaymentCanceled && booking.PaymentIntentId is { } current && paymentEvent.PaymentIntentId != current)
        {
            return booking.Facts;
        }

        return BookingStateMachine.Apply(booking.Facts, paymentEvent);
    }
}
