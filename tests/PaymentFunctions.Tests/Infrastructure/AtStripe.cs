using System.Text.Json.Nodes;
using StripeEmulator;

namespace PaymentFunctions.Tests.Infrastructure;

/// What the emulator holds for one test's data: tests sharing a host read their own bookings', intents' and users'
/// objects, never a count over the whole emulator.
public static class AtStripe
{
    public static IReadOnlyList<JsonObject> IntentsFor(this EmulatorState stripe, string bookingId) =>
        [.. stripe.PaymentIntents.Where(i => (string?)i["metadata"]?["bookingId"] == bookingId)];

    public static IReadOnlyList<JsonObject> RefundsOf(this EmulatorState stripe, string paymentIntentId) =>
        [.. stripe.Refunds.Where(r => (string?)r["payment_intent"] == paymentIntentId)];

    public static IReadOnlyList<JsonObject> CheckoutSessionsFor(this EmulatorState stripe, string bookingId) =>
        [.. stripe.CheckoutSessions.Where(s => (string?)s["client_reference_id"] == bookingId)];

    public static IReadOnlyList<JsonObject> CustomersOf(this EmulatorState stripe, string userId) =>
        [.. stripe.Customers.Where(c => (string?)c["metadata"]?["userId"] == userId)];
}
