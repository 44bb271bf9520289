using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Bookings;

/// The Service Bus-triggered function (topic "payments", subscription "booking"). Anything it cannot apply throws,
/// so the host abandons the message, Service Bus redelivers it and in the end dead-letters it - never
/// acknowledged and lost. Each delivery is counted and timed by outcome (<see cref="MessagingMetrics"/>).
public sealed class BookingPaymentEventsFunction(PaymentEventConsumer consumer, MessagingMetrics metrics, TimeProvider time, ILogger<BookingPaymentEventsFunction> logger)
{
    public const string Name = "BookingPaymentEvents";
    public const string Subscription = "booking";

    [Function(Name)]
    public async Task RunAsync(
        [ServiceBusTrigger(EventTypes.PaymentsTopic, Subscription, Connection = "ServiceBusConnection")] byte[] message,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delivery = ServiceBusDelivery.From(context.BindingContext.BindingData);
        var lag = time.GetUtcNow() - delivery.EnqueuedTimeUtc;
        using var messageScope = logger.BeginScope(new Dictionary<string, object> { ["MessageId"] = delivery.MessageId });
        try
        {
            var update = await consumer.ApplyAsync(message, delivery.MessageId, delivery.DeliveryCount, cancellationToken);
            metrics.Consumed(EventTypes.PaymentsTopic, Subscription, update.Duplicate ? "duplicate" : "applied", time.GetElapsedTime(started), lag);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.Consumed(EventTypes.PaymentsTopic, Subscription, "failed", time.GetElapsedTime(started), lag, ex);
            logger.LogError(ex, "Message {MessageId} (delivery {DeliveryCount}) could not be applied and will be retried or dead-lettered: {Error}", delivery.MessageId, delivery.DeliveryCount, ex.Message);
            throw;
        }
    }
}
