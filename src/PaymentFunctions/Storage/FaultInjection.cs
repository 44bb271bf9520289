namespace PaymentFunctions.Storage;

/// Named points in the exactly-once paths where a test (or a chaos drill) can make the process "die".
/// A no-op unless something sets <see cref="Rule"/>; the points are where a crash would hurt most.
public sealed class FaultInjection
{
    public const string WebhookAfterVerify = "webhook.after-verify";
    public const string WebhookAfterBatch = "webhook.after-batch";
    public const string OutboxAfterPublish = "outbox.after-publish";
    public const string OutboxAfterIndex = "outbox.after-index";
    public const string CleanupAfterRows = "cleanup.after-rows";
    public const string IntentAfterStripe = "intent.after-stripe";
    public const string CheckoutAfterStripe = "checkout.after-stripe";
    public const string ConsumerAfterBatch = "consumer.after-batch";
    public const string CustomerAfterStripe = "customer.after-stripe";
    public const string RefundAfterStripe = "refund.after-stripe";
    public const string ReconciliationAfterEvent = "reconciliation.after-event";
    public const string RetentionAfterRows = "retention.after-rows";
    public const string RequeueAfterCommit = "requeue.after-commit";
    public const string RequeueAfterSend = "requeue.after-send";

    /// Returns true for a point that should fail now.
    public Func<string, bool>? Rule { get; set; }

    public void Reached(string point)
    {
        if (Rule?.Invoke(point) == true)
        {
            throw new InvalidOperationException($"Injected fault at {point}.");
        }
    }
}
