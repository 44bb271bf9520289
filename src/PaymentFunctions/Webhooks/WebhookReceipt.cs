namespace PaymentFunctions.Webhooks;

/// What became of one webhook delivery, for the function to answer with. Every kind but Processed stored nothing
/// (Stripe redelivers what was not answered 2xx).
public sealed record WebhookReceipt(WebhookReceiptKind Kind, string Title = "", string Detail = "", string? EventId = null, WebhookOutcome? Outcome = null)
{
    public static WebhookReceipt Refused(WebhookReceiptKind kind, string title, string detail) => new(kind, title, detail);

    public static WebhookReceipt Processed(string eventId, WebhookOutcome outcome) => new(WebhookReceiptKind.Processed, EventId: eventId, Outcome: outcome);
}

public enum WebhookReceiptKind
{
    /// Verified and handled (stored, a duplicate, ignored or unmatched): 200.
    Processed,

    /// No signature over this body from any configured secret, or a signed body that is not an event of this API
    /// version or mode: 400.
    Rejected,

    /// Larger than Stripe:MaxWebhookBytes: 413.
    TooLarge,

    /// The body did not arrive within Stripe:WebhookBodyReadSeconds: 408 (Stripe redelivers).
    TooSlow,

    /// Signed, but of another Stripe API version: 409, kept at Stripe until the endpoint and the app agree.
    UnsupportedVersion,

    /// Too many webhooks at once, or its deadline passed: 503 with Retry-After.
    Busy,
}
