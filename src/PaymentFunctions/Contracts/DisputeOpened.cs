namespace PaymentFunctions.Contracts;

public sealed record DisputeOpened : PaymentEvent
{
    public required string DisputeId { get; init; }

    public string? Reason { get; init; }
}
