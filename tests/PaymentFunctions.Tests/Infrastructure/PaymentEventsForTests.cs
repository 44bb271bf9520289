using PaymentFunctions.Contracts;

namespace PaymentFunctions.Tests.Infrastructure;

public static class PaymentEventsForTests
{
    public static PaymentSucceeded Succeeded(string bookingId, DateTimeOffset at) =>
        new() { Id = Id("payment_intent.succeeded", out var e), OccurredAt = at, BookingId = bookingId, PaymentIntentId = "pi_t", StripeEventId = e, Amount = 2500, Currency = "eur" };

    public static PaymentFailed Failed(string bookingId, DateTimeOffset at) =>
        new() { Id = Id("payment_intent.payment_failed", out var e), OccurredAt = at, BookingId = bookingId, PaymentIntentId = "pi_t", StripeEventId = e, Amount = 2500, Currency = "eur", FailureCode = "card_declined", FailureMessage = "Your card was declined." };

    public static PaymentProcessing Processing(string bookingId, DateTimeOffset at) =>
        new() { Id = Id("payment_intent.processing", out var e), OccurredAt = at, BookingId = bookingId, PaymentIntentId = "pi_t", StripeEventId = e, Amount = 2500, Currency = "eur" };

    private static string Id(string type, out string stripeEventId)
    {
        stripeEventId = "evt_" + Guid.NewGuid().ToString("N")[..20];
        return $"{stripeEventId}:{type}";
    }
}
