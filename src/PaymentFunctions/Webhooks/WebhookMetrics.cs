using System.Diagnostics;
using System.Diagnostics.Metrics;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Webhooks;

/// Stripe webhook deliveries, by how each ended (<c>outcome</c>) and, once the signature proved it is Stripe's, the
/// event's type (<c>stripe.event.type</c>; an unverified body's claimed type is never a label: anyone could mint
/// new series with it). Outcomes: stored, duplicate, ignored, unmatched, unprocessable (200); rejected (400),
/// too_large (413), too_slow (408), unsupported_version (409), busy (503); failed (an exception: 5xx, Stripe
/// redelivers; with <c>error.type</c>); aborted (the sender hung up).
/// - payments.webhook.events: deliveries;
/// - payments.webhook.duration: from the request to the answer, body read included, in seconds.
public sealed class WebhookMetrics
{
    private readonly Counter<long> _events;
    private readonly Histogram<double> _duration;

    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = PaymentsMeter.Create(meters);
        _events = meter.CreateCounter<long>("payments.webhook.events", "{event}", "Stripe webhook deliveries, by outcome and event type.");
        _duration = meter.CreateHistogram<double>("payments.webhook.duration", "s", "How long a Stripe webhook delivery took to answer, by outcome and event type.");
    }

    public void Record(WebhookReceipt? receipt, string? eventType, TimeSpan duration, Exception? failure, bool aborted)
    {
        var tags = new TagList { { PaymentsMeter.Outcome, receipt is null ? aborted ? "aborted" : "failed" : OutcomeOf(receipt) } };
        if (eventType is not null)
        {
            tags.Add("stripe.event.type", eventType);
        }

        if (receipt is null && !aborted && failure is not null)
        {
            tags.Add("error.type", failure.GetType().FullName);
        }

        _events.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    private static string OutcomeOf(WebhookReceipt receipt) => receipt.Kind switch
    {
        WebhookReceiptKind.Processed => receipt.Outcome!.Value.ToString().ToLowerInvariant(),
        WebhookReceiptKind.Rejected => "rejected",
        WebhookReceiptKind.TooLarge => "too_large",
        WebhookReceiptKind.TooSlow => "too_slow",
        WebhookReceiptKind.UnsupportedVersion => "unsupported_version",
        _ => "busy",
    };
}
