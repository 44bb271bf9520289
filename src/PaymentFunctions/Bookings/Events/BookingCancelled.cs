namespace PaymentFunctions.Bookings.Events;

public sealed record BookingCancelled : BookingEvent
{
    /// payment_canceled, refunded, dispute_lost or expired.
    public required string Reason { get; init; }
}
