namespace PaymentFunctions.Contracts;

/// What the payment service tells the platform happened to a booking's payment (topic "payments").
/// Every event is derived from one Stripe event, so <see cref="Id"/> is deterministic and doubles as MessageId.
public abstract record PaymentEvent
{
    public required string Id { get; init; }

    /// When Stripe says it happened (the Stripe event's created time), not when we heard of it.
    public required DateTimeOffset OccurredAt { get; init; }

    public required string BookingId { get; init; }

    public required string PaymentIntentId { get; init; }

    public required string StripeEventId { get; init; }

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    /// The Checkout Session (cs_...) the payment was made through, on Stripe's hosted page; absent for the
    /// PaymentIntent flow. Stripe names it (the session itself, or the session that owns the intent), so the booking
    /// can check it created that session.
    public string? CheckoutSessionId { get; init; }
}
