namespace PaymentFunctions.Contracts;

public sealed record BookingConfirmed : BookingEvent
{
    public string? PaymentIntentId { get; init; }
}
