using PaymentFunctions.Bookings.Domain;

namespace PaymentFunctions.Payments.Refunds;

/// A refund as the SPA and staff see it. Amount in minor units of Currency; Status is Stripe's refund status
/// (pending, succeeded, failed, canceled, requires_action) as last reported by Stripe (its answer, then its events);
/// FailureReason is Stripe's failure_reason of a failed refund.
public sealed record RefundView(string Id, long Amount, string Currency, string Status, string? Reason, string Kind, DateTimeOffset CreatedAt, string? FailureReason)
{
    public static RefundView Of(RefundRecord record) => new(record.RefundId, record.Amount, record.Currency, record.Status, record.Reason, record.Kind, record.CreatedAt, record.FailureReason);
}

/// POST /api/bookings/{id}/cancel and POST /api/admin/bookings/{id}/refunds. Refund is null for an unpaid booking's
/// cancel; AmountRefunded counts every refund recorded or reported by Stripe so far. Refunds: every refund we asked
/// for on the booking, oldest first, each with its status as Stripe last reported it (a failed one with its reason).
public sealed record RefundAnswer(string BookingId, BookingStatus BookingStatus, long Amount, long AmountRefunded, string Currency, RefundView? Refund, IReadOnlyList<RefundView> Refunds);

public enum RefundOutcome
{
    /// Done: an unpaid booking is CANCELLED (200).
    Cancelled,

    /// Stripe accepted the refund; the booking follows when Stripe's events arrive (202).
    Refunding,
    NotFound,
    Conflict,
    StripeRefused,
    StripeUnavailable,

    /// Stripe (or this instance's own limit) answered 429: nothing was done; retry after RetryAfter (503).
    StripeRateLimited,
}

/// Detail is safe to show the caller; StripeRequestId lets support find the call in Stripe's logs.
public sealed record RefundResult(RefundOutcome Outcome, RefundAnswer? Answer = null, string? Detail = null, string? StripeRequestId = null, TimeSpan? RetryAfter = null)
{
    public static RefundResult Conflict(string detail) => new(RefundOutcome.Conflict, Detail: detail);

    public static RefundResult Unavailable(string? requestId) =>
        new(RefundOutcome.StripeUnavailable, Detail: "Stripe could not be reached or is unavailable. Nothing was refunded twice; retry in a few seconds.", StripeRequestId: requestId);

    public static RefundResult RateLimited(string? requestId, TimeSpan retryAfter) =>
        new(RefundOutcome.StripeRateLimited, Detail: "Stripe is taking no more requests for now. Nothing was refunded or changed; retry after the Retry-After delay.", StripeRequestId: requestId, RetryAfter: retryAfter);
}
