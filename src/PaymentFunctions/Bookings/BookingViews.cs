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
    DateTimeOffset CreatedAt,
    DateTimeOffset HoldExpiresAt,
    IReadOnlyList<BookingHistoryView> History)
{
    public static BookingView Of(Booking booking, IEnumerable<BookingHistoryEntry> history) => new(
        booking.Id, booking.Status, booking.TicketTypeId, booking.Quantity, booking.Amount, booking.Currency,
        booking.Facts.RefundedAmount, booking.PaymentIntentId, booking.CreatedAt, booking.HoldExpiresAt,
        [.. history.Select(h => new BookingHistoryView(h.At, h.From, h.To, h.Cause, h.CausationId, h.Reason))]);
}

/// Cause is the kind of event (e.g. bookticket.payments.payment_succeeded.v1), EventId the event itself (its message id).
public sealed record BookingHistoryView(DateTimeOffset At, BookingStatus? From, BookingStatus To, string Cause, string EventId, string? Reason);

public enum BookingCreateOutcome
{
    Created,
    Invalid,
}

public sealed record BookingCreateResult(BookingCreateOutcome Outcome, BookingView? Booking = null, IDictionary<string, string[]>? Errors = null);
