namespace PaymentFunctions.Contracts;

/// What the booking functions tell the platform (topic "bookings") when a booking changes status.
public abstract record BookingEvent
{
    public required string Id { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string BookingId { get; init; }

    public required string UserId { get; init; }

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    /// The id of the payment event (or timer run) that caused this change, for tracing.
    public required string CausationId { get; init; }
}
