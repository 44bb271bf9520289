using PaymentFunctions.Hosting;

namespace PaymentFunctions.Messaging;

/// A subscriber of the in-process transport: the same invocation the Functions host would make for a
/// Service Bus trigger on that topic/subscription.
public sealed record InProcessSubscription(
    string Topic,
    string Name,
    string BindingName,
    Func<IServiceProvider, FunctionInvocationRequest, CancellationToken, Task> Invoke);
