using System.Text.Json.Serialization;

namespace PaymentFunctions.Bookings.Domain;

[JsonConverter(typeof(JsonStringEnumConverter<BookingStatus>))]
public enum BookingStatus
{
    PENDING,
    CONFIRMED,
    PAYMENT_FAILED,
    CANCELLED,
    DISPUTED,

    /// Paid, and its newest refund failed after Stripe had accepted it: not refunded, staff must act.
    REFUND_FAILED,
}
