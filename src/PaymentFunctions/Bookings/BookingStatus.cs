using System.Text.Json.Serialization;

namespace PaymentFunctions.Bookings;

[JsonConverter(typeof(JsonStringEnumConverter<BookingStatus>))]
public enum BookingStatus
{
    PENDING,
    CONFIRMED,
    PAYMENT_FAILED,
    CANCELLED,
    DISPUTED,
}
