using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Bookings;

/// The Service Bus-triggered function (topic "payments", subscription "booking"): applies one payment event to
/// its booking. Anything it cannot apply throws, so the host abandons the message, Service Bus redelivers it and
/// in the end dead-letters it - never acknowledged and lost.
public sealed class BookingPaymentEventsFunction(BookingUpdater updater, ILogger<BookingPaymentEventsFunction> logger)
{
    public const string Name = "BookingPaymentEvents";
    public const string Subscription = "booking";

    [Function(Name)]
    public async Task RunAsync(
        [ServiceBusTrigger(EventTypes.PaymentsTopic, Subscription, Connection = "ServiceBusConnection")] byte[] message,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        var delivery = ServiceBusDelivery.From(context.BindingContext.BindingData);
        using var messageScope = logger.BeginScope(new Dictionary<string, object> { ["MessageId"] = delivery.MessageId });
        try
        {
            var paymentEvent = CloudEventEnvelope.ReadPaymentEvent(message);
            using var bookingScope = logger.BeginScope(new Dictionary<string, object> { ["BookingId"] = paymentEvent.BookingId, ["StripeEventId"] = paymentEvent.StripeEventId });
            var update = await updater.ApplyAsync(
                paymentEvent.BookingId, delivery.MessageId, EventTypes.TypeOf(paymentEvent.GetType()), booking => FactsAfter(booking, paymentEvent), cancellationToken);
            logger.LogInformation("Message {MessageId} for booking {BookingId}: {From} -> {To}{Duplicate}", delivery.MessageId, paymentEvent.BookingId, update.From, update.To, update.Duplicate ? " (already applied)" : "");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Message {MessageId} (delivery {DeliveryCount}) could not be applied and will be retried or dead-lettered: {Error}", delivery.MessageId, delivery.DeliveryCount, ex.Message);
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
