using System.Diagnostics;
using System.Diagnostics.Metrics;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Messaging;

/// Messages sent and consumed, under OpenTelemetry's messaging conventions (messaging.system "servicebus", the
/// topic as messaging.destination.name, the subscription as messaging.destination.subscription.name). The
/// in-process transport stands in for Service Bus and is measured as Service Bus, so a dashboard reads both modes.
/// - messaging.client.sent.messages: messages handed to the broker by the outbox (error.type when the send failed);
/// - messaging.client.consumed.messages and messaging.process.duration (seconds): deliveries to a consumer, by
///   <c>outcome</c>: applied, duplicate (applied before: a redelivery or a resend), failed (redelivered, and
///   dead-lettered after the subscription's max delivery count; with error.type);
/// - payments.messaging.consumer.lag (seconds): from a message's enqueue to the start of its processing;
/// - payments.messaging.dead_letters: messages dead-lettered by the in-process transport. Service Bus dead-letters
///   on its own, out of the app's sight: its DeadletteredMessages metric counts them (docs/operations.md).
public sealed class MessagingMetrics
{
    private const string System = "servicebus";
    private readonly Counter<long> _sent;
    private readonly Counter<long> _consumed;
    private readonly Histogram<double> _processDuration;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _deadLetters;

    public MessagingMetrics(IMeterFactory meters)
    {
        var meter = PaymentsMeter.Create(meters);
        _sent = meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages the outbox handed to the broker.");
        _consumed = meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Messages delivered to a consumer, by outcome.");
        _processDuration = meter.CreateHistogram<double>("messaging.process.duration", "s", "How long a consumer took to process a message, by outcome.");
        _lag = meter.CreateHistogram<double>("payments.messaging.consumer.lag", "s", "From a message's enqueue to the start of its processing.");
        _deadLetters = meter.CreateCounter<long>("payments.messaging.dead_letters", "{message}", "Messages the in-process transport dead-lettered.");
    }

    public void Sent(string topic, int count, Exception? failure = null)
    {
        var tags = new TagList { { "messaging.system", System }, { "messaging.operation.name", "send" }, { "messaging.destination.name", topic } };
        if (failure is not null)
        {
            tags.Add("error.type", failure.GetType().FullName);
        }

        _sent.Add(count, tags);
    }

    /// <paramref name="lag"/>: null when the delivery did not say when it was enqueued.
    public void Consumed(string topic, string subscription, string outcome, TimeSpan duration, TimeSpan? lag, Exception? failure = null)
    {
        var tags = Destination(topic, subscription);
        tags.Add("messaging.operation.name", "process");
        tags.Add(PaymentsMeter.Outcome, outcome);
        if (failure is not null)
        {
            tags.Add("error.type", failure.GetType().FullName);
        }

        _consumed.Add(1, tags);
        _processDuration.Record(duration.TotalSeconds, tags);
        if (lag is { } enqueuedFor)
        {
            // Clocks of the broker and this instance differ a little; a message is never processed before it was sent.
            _lag.Record(Math.Max(0, enqueuedFor.TotalSeconds), Destination(topic, subscription));
        }
    }

    public void DeadLettered(string topic, string subscription) => _deadLetters.Add(1, Destination(topic, subscription));

    private static TagList Destination(string topic, string subscription) => new()
    {
        { "messaging.system", System },
        { "messaging.destination.name", topic },
        { "messaging.destination.subscription.name", subscription },
    };
}
