namespace PaymentFunctions.Bookings.Events;

public sealed record BookingDisputed : BookingEvent
{
    public string? DisputeId { get; init; }
}
