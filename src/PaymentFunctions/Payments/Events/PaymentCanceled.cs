namespace PaymentFunctions.Payments.Events;

public sealed record PaymentCanceled : PaymentEvent
{
    public string? CancellationReason { get; init; }
}
