namespace PaymentFunctions.Contracts;

public sealed record PaymentRefunded : PaymentEvent
{
    public required string ChargeId { get; init; }

    /// Cumulative amount refunded on the charge so far (Stripe's charge.amount_refunded), so that
    /// redelivered or reordered refund events can be merged with max() instead of summed.
    public required long AmountRefunded { get; init; }

    public bool FullyRefunded => AmountRefunded >= Amount;
}
