using Azure.Messaging.ServiceBus;

namespace PaymentFunctions.Messaging;

/// Section "ServiceBus:Retry": the SDK's retry options, set explicitly rather than left at its defaults
/// (3 retries, 60 s per try), which would let one send outlive the webhook: Stripe gets its answer within
/// Stripe:WebhookTimeoutSeconds (10 s) or the app answers 503 itself. With these defaults the worst case is
/// 3 tries x 2 s + back-off (0.5 s, then 1 s) = 7.5 s, leaving room for the storage transaction before it. Giving
/// up early loses nothing: the message stays in the outbox, and Stripe's redelivery, Service Bus's own redelivery
/// of the consumed message or the outbox sweeper sends it later.
public sealed class ServiceBusRetrySettings
{
    public int MaxRetries { get; set; } = 2;

    /// Exponential back-off base: the SDK waits 2^n x Delay (plus up to 8 % jitter) before retry n.
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// Per attempt, including opening the AMQP connection and link on the first send.
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public ServiceBusRetryOptions ToSdkOptions() => new()
    {
        Mode = ServiceBusRetryMode.Exponential,
        MaxRetries = MaxRetries,
        Delay = Delay,
        MaxDelay = MaxDelay,
        TryTimeout = TryTimeout,
    };

    /// The SDK's setters throw ArgumentOutOfRangeException on these; checked at start-up instead, naming the setting.
    public IEnumerable<string> Problems()
    {
        if (MaxRetries is < 0 or > 10)
        {
            yield return "ServiceBus:Retry:MaxRetries must be between 0 and 10.";
        }

        if (Delay < TimeSpan.FromMilliseconds(1) || Delay > TimeSpan.FromSeconds(30))
        {
            yield return "ServiceBus:Retry:Delay must be between 00:00:00.001 and 00:00:30.";
        }

        if (MaxDelay < Delay || MaxDelay > TimeSpan.FromMinutes(1))
        {
            yield return "ServiceBus:Retry:MaxDelay must be at least ServiceBus:Retry:Delay and at most 00:01:00.";
        }

        if (TryTimeout <= TimeSpan.Zero || TryTimeout > TimeSpan.FromMinutes(1))
        {
            yield return "ServiceBus:Retry:TryTimeout must be more than zero and at most 00:01:00.";
        }
    }
}
