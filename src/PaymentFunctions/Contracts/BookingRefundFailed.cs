namespace PaymentFunctions.Contracts;

/// The booking's newest refund failed at Stripe after it was accepted (e.g. the card was closed): the customer did not
/// get the money back, so the booking is no longer refunded; a person has to refund it another way.
public sealed record BookingRefundFailed : BookingEvent
{
    public required string RefundId { get; init; }

    public string? FailureReason { get; init; }
}
