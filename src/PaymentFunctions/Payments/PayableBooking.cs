using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;

namespace PaymentFunctions.Payments;

/// Which bookings may be paid, whichever way (a PaymentIntent, a Checkout Session).
public static class PayableBooking
{
    /// Null when the booking can be paid now; else the answer (404, or 409 saying why).
    public static IntentResult? Refusal(Booking? booking, DateTimeOffset now)
    {
        if (booking is null)
        {
            return new IntentResult(IntentOutcome.NotFound);
        }

        if (booking.Status is not (BookingStatus.PENDING or BookingStatus.PAYMENT_FAILED))
        {
            return new IntentResult(IntentOutcome.NotPayable, Detail: $"The booking is {booking.Status}; only PENDING or PAYMENT_FAILED bookings can be paid.");
        }

        // Expiry releases the seats and cancels the payment at Stripe; paying for them now would race it.
        return booking.HoldExpiresAt <= now
            ? new IntentResult(IntentOutcome.NotPayable, Detail: "The booking's hold has expired; create a new booking.")
            : null;
    }
}
