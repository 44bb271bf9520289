namespace PaymentFunctions.Contracts;

/// One refund's status as Stripe reported it (refund.created, refund.updated, refund.failed, charge.refund.updated).
/// Amount is the refund's amount. Several events report the same refund: merged per RefundId, the furthest status
/// wins, so a failed refund never counts as refunded again whatever the order of its events.
public sealed record RefundUpdated : PaymentEvent
{
    public required string RefundId { get; init; }

    /// pending, succeeded, failed, canceled or requires_action (Stripe's refund.status).
    public required string RefundStatus { get; init; }

    /// When failed: lost_or_stolen_card, expired_or_canceled_card, declined, unknown, ... (Stripe's refund.failure_reason).
    public string? FailureReason { get; init; }

    /// Stripe's creation time of the refund (not of the event).
    public required DateTimeOffset RefundCreatedAt { get; init; }

    /// Our metadata on our own refunds: "cancel" or "staff"; null for a refund made at Stripe (the Dashboard).
    public string? Kind { get; init; }
}
