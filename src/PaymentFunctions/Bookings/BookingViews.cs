using PaymentFunctions.Bookings.Domain;
namespace PaymentFunctions.Bookings;

/// POST /api/bookings. Nullable so that a missing field is a validation error, not a default value.
public sealed record CreateBookingRequest(string? TicketTypeId, int? Quantity);

/// GET /api/bookings/{id}: what the SPA shows. Amounts in minor units of Currency; AmountRefunded as Stripe reported it.
public sealed record BookingView(
    string Id,
    BookingStatus Status,
    string TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    long AmountRefunded,
    string? PaymentIntentId,
    string? CheckoutSessionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset HoldExpiresAt,
    IReadOnlyList<BookingHistoryView> History,
    IReadOnlyList<BookingRefundView> Refunds)
{
    public static BookingView Of(Booking booking, IEnumerable<BookingHistoryEntry> history) => new(
        booking.Id, booking.Status, booking.TicketTypeId, booking.Quantity, booking.Amount, booking.Currency,
        booking.Facts.RefundedAmount, booking.PaymentIntentId, booking.CheckoutSessionId, booking.CreatedAt, booking.HoldExpiresAt,
        [.. history.Select(h => new BookingHistoryView(h.At, h.From, h.To, h.Cause, h.CausationId, h.Reason))],
        [.. booking.Facts.Refunds.OrderBy(r => r.Value.CreatedAt).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => new BookingRefundView(r.Key, r.Value.Amount, r.Value.Status, r.Value.FailureReason, r.Value.CreatedAt))]);
}

/// A refund as Stripe last reported it (its refund.* events): Status pending, succeeded, failed, canceled or
/// requires_action; FailureReason Stripe's failure_reason when it failed.
public sealed record BookingRefundView(string Id, long Amount, string Status, string? FailureReason, DateTimeOffset CreatedAt);

/// Cause is the kind of event (e.g. bookticket.payments.payment_succeeded.v1), EventId the event itself (its message id).
public sealed record BookingHistoryView(DateTimeOffset At, BookingStatus? From, BookingStatus To, string Cause, string EventId, string? Reason);

public enum BookingCreateOutcome
{
    Created,
    Invalid,

    /// The user already holds Bookings:MaxOpenBookingsPerUser open bookings (Limit): 409, nothing stored.
    TooManyOpen,
}

public sealed record BookingCreateResult(BookingCreateOutcome Outcome, BookingView? Booking = null, IDictionary<string, string[]>? Errors = null, int Limit = 0);
