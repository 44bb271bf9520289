namespace PaymentFunctions.Bookings.Events;

public sealed record BookingPaymentFailed : BookingEvent
{
    public string? FailureCode { get; init; }

    public string? FailureMessage { get; init; }
}
