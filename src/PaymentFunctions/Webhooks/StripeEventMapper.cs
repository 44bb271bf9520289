using System.Text.Json;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Payments.Events;

namespace PaymentFunctions.Webhooks;

/// Turns a Stripe event into the domain event the platform hears, or null for types we record but do not
/// publish. Pure: the booking id is resolved beforehand (<see cref="BookingResolver"/>).
public static class StripeEventMapper
{
    public static readonly IReadOnlySet<string> PublishedTypes = new HashSet<string>
    {
        "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
        "payment_intent.processing", "payment_intent.requires_action",
        "charge.refunded", "charge.dispute.created", "charge.dispute.closed",
    };

    /// The PaymentIntent an event is about: the object itself for payment_intent.*, its payment_intent field
    /// for charges and disputes.
    public static string? PaymentIntentIdOf(StripeEvent stripeEvent) =>
        stripeEvent.Type.StartsWith("payment_intent.", StringComparison.Ordinal)
            ? Str(stripeEvent.DataObject, "id")
            : Str(stripeEvent.DataObject, "payment_intent");

    public static string? BookingIdFromMetadata(StripeEvent stripeEvent) =>
        stripeEvent.DataObject.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            ? Str(metadata, "bookingId")
            : null;

    public static PaymentEvent? Map(StripeEvent stripeEvent, string bookingId)
    {
        if (!PublishedTypes.Contains(stripeEvent.Type))
        {
            return null;
        }

        var o = stripeEvent.DataObject;
        var intentId = PaymentIntentIdOf(stripeEvent) ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} names no PaymentIntent.");
        var amount = Long(o, "amount") ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no amount.");
        // Stripe writes "eur"; the contract uses ISO 4217's upper case, as the bookings do.
        var currency = Str(o, "currency")?.ToUpperInvariant() ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no currency.");
        var id = $"{stripeEvent.Id}:{stripeEvent.Type}";

        return stripeEvent.Type switch
        {
            "payment_intent.succeeded" => new PaymentSucceeded { Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = Long(o, "amount_received") is > 0 and var received ? received : amount, Currency = currency },
            "payment_intent.payment_failed" => new PaymentFailed
            {
                Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency,
                FailureCode = Nested(o, "last_payment_error", "code"),
                DeclineCode = Nested(o, "last_payment_error", "decline_code"),
                FailureMessage = Nested(o, "last_payment_error", "message"),
            },
            "payment_intent.canceled" => new PaymentCanceled { Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency, CancellationReason = Str(o, "cancellation_reason") },
            "payment_intent.processing" => new PaymentProcessing { Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency },
            "payment_intent.requires_action" => new PaymentRequiresAction { Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency },
            "charge.refunded" => new PaymentRefunded
            {
                Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency,
                ChargeId = Str(o, "id") ?? throw new FormatException($"charge.refunded {stripeEvent.Id} has no charge id."),
                AmountRefunded = Long(o, "amount_refunded") ?? 0,
            },
            "charge.dispute.created" => new DisputeOpened { Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency, DisputeId = DisputeIdOf(stripeEvent), Reason = Str(o, "reason") },
            _ => new DisputeClosed { Id = id, OccurredAt = stripeEvent.Created, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency, DisputeId = DisputeIdOf(stripeEvent), Outcome = Str(o, "status") ?? "unknown" },
        };
    }

    private static string DisputeIdOf(StripeEvent stripeEvent) =>
        Str(stripeEvent.DataObject, "id") ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no dispute id.");

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static string? Nested(JsonElement o, string parent, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(parent, out var p) ? Str(p, name) : null;
}
