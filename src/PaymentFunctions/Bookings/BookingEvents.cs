using System.Security.Cryptography;
using System.Text;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;

namespace PaymentFunctions.Bookings;

/// The booking event a status change publishes. Its id is derived from booking, new status and cause, so a
/// retried batch produces the same MessageId.
public static class BookingEvents
{
    public static BookingEvent For(Booking booking, string causationId, DateTimeOffset at)
    {
        var id = Id(booking.Id, booking.Status, causationId);
        return booking.Status switch
        {
            BookingStatus.CONFIRMED => new BookingConfirmed { Id = id, OccurredAt = at, BookingId = booking.Id, UserId = booking.UserId, Amount = booking.Amount, Currency = booking.Currency, CausationId = causationId, PaymentIntentId = booking.Facts.SucceededIntentId },
            BookingStatus.PAYMENT_FAILED => new BookingPaymentFailed { Id = id, OccurredAt = at, BookingId = booking.Id, UserId = booking.UserId, Amount = booking.Amount, Currency = booking.Currency, CausationId = causationId, FailureCode = booking.Facts.LastFailureCode, FailureMessage = booking.Facts.LastFailureMessage },
            BookingStatus.CANCELLED => new BookingCancelled { Id = id, OccurredAt = at, BookingId = booking.Id, UserId = booking.UserId, Amount = booking.Amount, Currency = booking.Currency, CausationId = causationId, Reason = BookingStateMachine.CancellationReason(booking.Facts, booking.Amount) },
            BookingStatus.DISPUTED => new BookingDisputed { Id = id, OccurredAt = at, BookingId = booking.Id, UserId = booking.UserId, Amount = booking.Amount, Currency = booking.Currency, CausationId = causationId, DisputeId = booking.Facts.Disputes.FirstOrDefault(d => d.Value.Closed is null).Key },
            BookingStatus.REFUND_FAILED => RefundFailed(booking, id, causationId, at),
            _ => throw new ArgumentOutOfRangeException(nameof(booking), booking.Status, "A booking never returns to PENDING."),
        };
    }

    private static BookingRefundFailed RefundFailed(Booking booking, string id, string causationId, DateTimeOffset at)
    {
        var failed = booking.Facts.UnresolvedRefundFailure ?? throw new InvalidOperationException($"Booking {booking.Id} is REFUND_FAILED without a failed refund.");
        return new BookingRefundFailed { Id = id, OccurredAt = at, BookingId = booking.Id, UserId = booking.UserId, Amount = booking.Amount, Currency = booking.Currency, CausationId = causationId, RefundId = failed.Key, FailureReason = failed.Value.FailureReason };
    }

    private static string Id(string bookingId, BookingStatus status, string causationId)
    {
        var id = $"{bookingId}:{status.ToString().ToLowerInvariant()}:{causationId}";
        return id.Length <= 128 ? id : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }
}
