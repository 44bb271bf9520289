namespace PaymentFunctions.Contracts;

public sealed record BookingCancelled : BookingEvent
{
    /// cancelled_by_customer, payment_canceled, refunded, dispute_lost or expired.
    public required string Reason { get; init; }
}
