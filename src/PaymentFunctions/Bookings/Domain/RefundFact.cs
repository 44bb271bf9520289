using PaymentFunctions.Contracts;

namespace PaymentFunctions.Bookings.Domain;

/// One refund as Stripe last reported it, merged from its refund.* events in any order: a refund only moves
/// forward (requires_action -> pending -> succeeded -> failed or canceled; Stripe never takes a failed or canceled
/// refund back), so the merge keeps the furthest status and is commutative and idempotent. CreatedAt is Stripe's
/// creation time of the refund: a later refund answers an earlier failed one (<see cref="PaymentFacts.UnresolvedRefundFailure"/>).
public sealed record RefundFact(long Amount, string Status, string? FailureReason, DateTimeOffset CreatedAt, string? Kind)
{
    public static RefundFact Of(RefundUpdated reported)
    {
        ArgumentNullException.ThrowIfNull(reported);
        return new(reported.Amount, reported.RefundStatus, reported.FailureReason, reported.RefundCreatedAt, reported.Kind);
    }

    public bool Failed => IsFailed(Status);

    /// Stripe's terminal refund statuses in which nothing reached the customer.
    public static bool IsFailed(string status) => status is "failed" or "canceled";

    public static RefundFact Merge(RefundFact? current, RefundFact reported)
    {
        ArgumentNullException.ThrowIfNull(reported);
        if (current is null)
        {
            return reported;
        }

        var byRank = Rank(reported.Status).CompareTo(Rank(current.Status));
        // Equal ranks with different values (never seen from Stripe) still merge deterministically, by ordinal.
        var later = byRank > 0 || (byRank == 0 && string.CompareOrdinal(reported.Status + reported.FailureReason, current.Status + current.FailureReason) > 0);
        var winner = later ? reported : current;
        return winner with { Kind = current.Kind ?? reported.Kind };
    }

    private static int Rank(string status) => status switch
    {
        "requires_action" => 0,
        "pending" => 1,
        "succeeded" => 2,
        "failed" or "canceled" => 3,
        _ => -1,
    };
}
