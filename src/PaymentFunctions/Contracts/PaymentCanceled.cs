namespace PaymentFunctions.Contracts;

public sealed record PaymentCanceled : PaymentEvent
{
    public string? CancellationReason { get; init; }
}
