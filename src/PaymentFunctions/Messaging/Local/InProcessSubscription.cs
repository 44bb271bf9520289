namespace PaymentFunctions.Messaging.Local;

/// A subscriber of the in-process transport: invoked with the message body and the binding data the Functions
/// host would give a Service Bus trigger on that topic/subscription. A throw is a failed delivery.
public sealed record InProcessSubscription(
    string Topic,
    string Name,
    Func<IServiceProvider, byte[], IReadOnlyDictionary<string, object?>, CancellationToken, Task> Invoke);
