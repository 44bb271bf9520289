namespace PaymentFunctions.Contracts;

public sealed record BookingDisputed : BookingEvent
{
    public string? DisputeId { get; init; }
}
