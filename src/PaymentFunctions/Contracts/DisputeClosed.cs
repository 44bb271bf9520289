namespace PaymentFunctions.Contracts;

public sealed record DisputeClosed : PaymentEvent
{
    public required string DisputeId { get; init; }

    /// Stripe's dispute status when closed: "won", "lost" or "warning_closed" (an inquiry closed without a charge-back).
    public required string Outcome { get; init; }

    public bool Lost => Outcome == "lost";
}
