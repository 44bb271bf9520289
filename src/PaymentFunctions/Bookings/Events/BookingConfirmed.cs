namespace PaymentFunctions.Bookings.Events;

public sealed record BookingConfirmed : BookingEvent
{
    public string? PaymentIntentId { get; init; }
}
