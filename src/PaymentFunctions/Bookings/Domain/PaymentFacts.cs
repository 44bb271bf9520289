using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace PaymentFunctions.Bookings.Domain;

/// Everything a booking has learnt about its payment, merged so that the result does not depend on the order
/// or number of deliveries: earliest time wins for one-off facts, latest for "last failure", max() for the
/// charge's cumulative refund, per-refund statuses (a failed refund stays failed) and per-dispute open/close records. The status is then a pure function of these facts
/// (<see cref="BookingStateMachine.StatusOf"/>), which is what makes stale or reordered events harmless.
public sealed record PaymentFacts
{
    public static PaymentFacts None { get; } = new();

    public Stamp? Succeeded { get; init; }

    public string? SucceededIntentId { get; init; }

    public Stamp? LastFailure { get; init; }

    public string? LastFailureCode { get; init; }

    public string? LastFailureMessage { get; init; }

    public Stamp? Canceled { get; init; }

    public Stamp? Expired { get; init; }

    /// The owner cancelled the unpaid booking (POST /api/bookings/{id}/cancel), after its intent was canceled at Stripe.
    public Stamp? CustomerCancelled { get; init; }

    /// The highest charge.amount_refunded seen. Stored under its old name so that bookings written before per-refund
    /// facts existed keep it.
    [JsonPropertyName("refundedAmount")]
    public long ChargeRefundedHighWater { get; init; }

    public ImmutableSortedDictionary<string, RefundFact> Refunds { get; init; } =
        ImmutableSortedDictionary<string, RefundFact>.Empty.WithComparers(StringComparer.Ordinal);

    /// What Stripe currently reports as refunded: the refunds known one by one that did not fail, or, for refunds known
    /// only through the charge (charge.refunded ahead of their refund.* events), the charge's high-water mark less every
    /// failed refund, whichever is more. The second is a lower bound (a failed refund may have been counted in no
    /// charge.refunded at all); once every refund's own event has arrived the first is exact.
    [JsonIgnore]
    public long RefundedAmount
    {
        get
        {
            var live = Refunds.Values.Where(r => !r.Failed).Sum(r => r.Amount);
            var failed = Refunds.Values.Where(r => r.Failed).Sum(r => r.Amount);
            return Math.Max(live, ChargeRefundedHighWater - failed);
        }
    }

    /// The newest failed refund, unless a refund created after it did not fail (staff refunded again): the booking
    /// then must not look refunded, and a person has to act. Stripe's creation times have whole seconds; within one
    /// second a failed refund counts as the newer, so that a tie flags the booking rather than hide a failure.
    [JsonIgnore]
    public KeyValuePair<string, RefundFact>? UnresolvedRefundFailure
    {
        get
        {
            var newest = Refunds.OrderBy(r => r.Value.CreatedAt).ThenBy(r => r.Value.Failed).ThenBy(r => r.Key, StringComparer.Ordinal).LastOrDefault();
            return newest.Value is { Failed: true } ? newest : null;
        }
    }

    public ImmutableSortedDictionary<string, DisputeFact> Disputes { get; init; } =
        ImmutableSortedDictionary<string, DisputeFact>.Empty.WithComparers(StringComparer.Ordinal);

    public bool AnyDisputeLost => Disputes.Values.Any(d => d.Outcome == "lost");

    public bool AnyDisputeOpen => Disputes.Values.Any(d => d.Closed is null);

    public bool Equals(PaymentFacts? other) =>
        other is not null
        && Succeeded == other.Succeeded && SucceededIntentId == other.SucceededIntentId
        && LastFailure == other.LastFailure && LastFailureCode == other.LastFailureCode && LastFailureMessage == other.LastFailureMessage
        && Canceled == other.Canceled && Expired == other.Expired && CustomerCancelled == other.CustomerCancelled && ChargeRefundedHighWater == other.ChargeRefundedHighWater
        && Refunds.SequenceEqual(other.Refunds) && Disputes.SequenceEqual(other.Disputes);

    public override int GetHashCode() => HashCode.Combine(Succeeded, LastFailure, Canceled, Expired, CustomerCancelled, ChargeRefundedHighWater, Refunds.Count, Disputes.Count);
}

/// A point in time with the id of the event that established it; the id breaks ties between events
/// Stripe stamped with the same second, so the merge stays deterministic.
public readonly record struct Stamp(DateTimeOffset At, string EventId) : IComparable<Stamp>
{
    public int CompareTo(Stamp other)
    {
        var byTime = At.CompareTo(other.At);
        return byTime != 0 ? byTime : string.CompareOrdinal(EventId, other.EventId);
    }

    public static Stamp? Earliest(Stamp? a, Stamp b) => a is { } x && x.CompareTo(b) <= 0 ? x : b;

    public static bool IsLater(Stamp candidate, Stamp? current) => current is not { } c || candidate.CompareTo(c) > 0;

    public static bool operator <(Stamp left, Stamp right) => left.CompareTo(right) < 0;

    public static bool operator >(Stamp left, Stamp right) => left.CompareTo(right) > 0;

    public static bool operator <=(Stamp left, Stamp right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Stamp left, Stamp right) => left.CompareTo(right) >= 0;
}

public sealed record DisputeFact(Stamp? Opened, Stamp? Closed, string? Outcome);
