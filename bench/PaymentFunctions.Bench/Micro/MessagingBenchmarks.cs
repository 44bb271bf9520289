using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Bench.Micro;

/// What a webhook and the booking consumer do between parsing and the table batch: envelope the event,
/// fold it into the booking's facts, and build the entities that go into the batch (their JSON is the SDK's, internal).
[MemoryDiagnoser]
public class MessagingBenchmarks
{
    private readonly PaymentSucceeded _succeeded = new()
    {
        Id = "evt_3QGk2fLkdIwHu7ix0n1Wb2Yc:payment_intent.succeeded",
        OccurredAt = BenchData.Now,
        BookingId = BenchData.BookingId,
        PaymentIntentId = "pi_3QGk2fLkdIwHu7ix0Zb9Xq4T",
        StripeEventId = "evt_3QGk2fLkdIwHu7ix0n1Wb2Yc",
        Amount = 5000,
        Currency = "eur",
    };

    private Booking _confirmed = null!;
    private OutboxMessage _message = null!;

    [GlobalSetup]
    public void Setup()
    {
        var booking = new Booking
        {
            Id = BenchData.BookingId, UserId = "auth0|6523f1c2a9b8d70012ab34cd", TicketTypeId = "standard", Quantity = 2, Amount = 5000,
            Currency = "EUR", Status = BookingStatus.PENDING, CreatedAt = BenchData.Now, HoldExpiresAt = BenchData.Now.AddMinutes(30),
        };
        var facts = BookingStateMachine.Apply(booking.Facts, _succeeded);
        _confirmed = booking with { Facts = facts, Status = BookingStateMachine.StatusOf(facts, booking.Amount) };
        _message = ToOutboxMessage();
    }

    [Benchmark]
    public OutboxMessage ToOutboxMessage() => CloudEventEnvelope.ToOutboxMessage(_succeeded);

    [Benchmark]
    public BookingStatus ApplyAndStatusOf() => BookingStateMachine.StatusOf(BookingStateMachine.Apply(PaymentFacts.None, _succeeded), 5000);

    [Benchmark]
    public TableEntity BuildBookingEntity() => _confirmed.ToEntity();

    [Benchmark]
    public TableEntity BuildOutboxEntity() => OutboxRow.ToEntity(_message, "evt_3QGk2fLkdIwHu7ix0n1Wb2Yc");
}
