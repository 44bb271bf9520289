using PaymentFunctions.Hosting;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments.Events;

namespace PaymentFunctions.Bookings;

/// The Service Bus-triggered function (topic "payments", subscription "booking"): applies one payment event to
/// its booking. Anything it cannot apply throws, so the host answers non-2xx, Service Bus redelivers and in
/// the end dead-letters the message - never acknowledged and lost.
public sealed class BookingPaymentEventsFunction(BookingUpdater updater, ILogger<BookingPaymentEventsFunction> logger)
{
    public const string Name = "BookingPaymentEvents";
    public const string BindingName = "message";

    public async Task HandleAsync(FunctionInvocationRequest invocation, CancellationToken cancellationToken)
    {
        var messageId = invocation.MetadataString("MessageId");
        var deliveryCount = invocation.MetadataInt("DeliveryCount");
        try
        {
            if (string.IsNullOrEmpty(messageId))
            {
                throw new FormatException("The invocation carries no MessageId.");
            }

            var body = invocation.BindingBytes(BindingName) ?? throw new FormatException($"The invocation has no '{BindingName}' binding data.");
            var paymentEvent = CloudEventEnvelope.ReadPaymentEvent(body);
            var update = await updater.ApplyAsync(
                paymentEvent.BookingId, messageId, EventTypes.TypeOf(paymentEvent.GetType()), booking => FactsAfter(booking, paymentEvent), cancellationToken);
            logger.LogInformation("Message {MessageId} for booking {BookingId}: {From} -> {To}{Duplicate}", messageId, paymentEvent.BookingId, update.From, update.To, update.Duplicate ? " (already applied)" : "");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Message {MessageId} (delivery {DeliveryCount}) could not be applied and will be retried or dead-lettered: {Error}", messageId, deliveryCount, ex.Message);
            throw;
        }
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
