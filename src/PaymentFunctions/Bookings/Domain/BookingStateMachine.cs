using PaymentFunctions.Contracts;

namespace PaymentFunctions.Bookings.Domain;

/// The booking's life: PENDING -> CONFIRMED / PAYMENT_FAILED / CANCELLED / DISPUTED / REFUND_FAILED, derived from merged
/// payment facts. Facts only accumulate, and every status but PENDING rests on a fact, so a booking never
/// returns to PENDING whatever the order of its events. Pure functions only, unit- and property-tested.
public static class BookingStateMachine
{
    public static BookingStatus StatusOf(PaymentFacts facts, long bookingAmount)
    {
        if (facts.AnyDisputeLost)
        {
            return BookingStatus.CANCELLED;
        }

        if (facts.AnyDisputeOpen)
        {
            return BookingStatus.DISPUTED;
        }

        // Ahead of the refunded check: a failed refund leaves the money with us, and the booking must say so.
        if (facts.UnresolvedRefundFailure is not null)
        {
            return BookingStatus.REFUND_FAILED;
        }

        if (facts.RefundedAmount > 0 && facts.RefundedAmount >= bookingAmount)
        {
            return BookingStatus.CANCELLED;
        }

        // A refund or a dispute is evidence of a successful charge even before its success event arrives; without
        // this, "dispute opened, dispute won" ahead of a late success would lead from DISPUTED back to PENDING.
        if (facts.Succeeded is not null || facts.ChargeRefundedHighWater > 0 || !facts.Refunds.IsEmpty || !facts.Disputes.IsEmpty)
        {
            return BookingStatus.CONFIRMED;
        }

        if (facts.Canceled is not null || facts.Expired is not null || facts.CustomerCancelled is not null)
        {
            return BookingStatus.CANCELLED;
        }

        return facts.LastFailure is not null ? BookingStatus.PAYMENT_FAILED : BookingStatus.PENDING;
    }

    /// Why a booking is CANCELLED, for the booking_cancelled event.
    public static string CancellationReason(PaymentFacts facts, long bookingAmount) =>
        facts.AnyDisputeLost ? "dispute_lost"
        : facts.RefundedAmount > 0 && facts.RefundedAmount >= bookingAmount ? "refunded"
        : facts.CustomerCancelled is not null ? "cancelled_by_customer"
        : facts.Canceled is not null ? "payment_canceled"
        : "expired";

    public static PaymentFacts Apply(PaymentFacts facts, PaymentEvent paymentEvent)
    {
        var stamp = new Stamp(paymentEvent.OccurredAt, paymentEvent.StripeEventId);
        return paymentEvent switch
        {
            PaymentSucceeded s => facts.Succeeded is { } current && current <= stamp
                ? facts
                : facts with { Succeeded = stamp, SucceededIntentId = s.PaymentIntentId },
            PaymentFailed f => Stamp.IsLater(stamp, facts.LastFailure)
                ? facts with { LastFailure = stamp, LastFailureCode = f.DeclineCode ?? f.FailureCode, LastFailureMessage = f.FailureMessage }
                : facts,
            PaymentCanceled => facts with { Canceled = Stamp.Earliest(facts.Canceled, stamp) },
            PaymentRefunded r => facts with { ChargeRefundedHighWater = Math.Max(facts.ChargeRefundedHighWater, r.AmountRefunded) },
            RefundUpdated r => facts with { Refunds = facts.Refunds.SetItem(r.RefundId, RefundFact.Merge(facts.Refunds.GetValueOrDefault(r.RefundId), RefundFact.Of(r))) },
            DisputeOpened d => WithDispute(facts, d.DisputeId, existing => existing with { Opened = Stamp.Earliest(existing.Opened, stamp) }),
            DisputeClosed d => WithDispute(facts, d.DisputeId, existing => Stamp.IsLater(stamp, existing.Closed)
                ? existing with { Closed = stamp, Outcome = d.Outcome }
                : existing),
            _ => facts, // processing / requires_action: history only, no bearing on the status
        };
    }

    public static PaymentFacts Expire(PaymentFacts facts, DateTimeOffset at, string runId) =>
        facts with { Expired = Stamp.Earliest(facts.Expired, new Stamp(at, runId)) };

    /// Like expiry, a customer's cancel never outranks a payment that succeeded after all: that booking is
    /// CONFIRMED and is cancelled by refunding it.
    public static PaymentFacts CancelByCustomer(PaymentFacts facts, DateTimeOffset at, string causationId) =>
        facts with { CustomerCancelled = Stamp.Earliest(facts.CustomerCancelled, new Stamp(at, causationId)) };

    private static PaymentFacts WithDispute(PaymentFacts facts, string disputeId, Func<DisputeFact, DisputeFact> change)
    {
        var existing = facts.Disputes.GetValueOrDefault(disputeId) ?? new DisputeFact(null, null, null);
        return facts with { Disputes = facts.Disputes.SetItem(disputeId, change(existing)) };
    }
}
