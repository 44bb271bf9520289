using PaymentFunctions.Contracts;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Turns a Stripe event into the domain event the platform hears, or null for types we record but do not
/// publish. Pure: the booking id is resolved beforehand (<see cref="BookingResolver"/>). Reads the typed
/// data.object Stripe.net parsed, which is trustworthy only for events of the SDK's API version
/// (<see cref="StripeApiVersion"/> keeps the others out).
public static class StripeEventMapper
{
    public static readonly IReadOnlySet<string> PublishedTypes = new HashSet<string>
    {
        "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
        "payment_intent.processing", "payment_intent.requires_action",
        "charge.refunded", "charge.dispute.created", "charge.dispute.closed",
        // Every refund's own status, so that one that fails after it was accepted stops counting as refunded.
        "refund.created", "refund.updated", "refund.failed", "charge.refund.updated",
    };

    /// The PaymentIntent an event is about: the object itself for payment_intent.*, its payment_intent field
    /// for charges and disputes.
    public static string? PaymentIntentIdOf(Event stripeEvent) => stripeEvent.Data?.Object switch
    {
        PaymentIntent intent => intent.Id,
        Charge charge => charge.PaymentIntentId,
        Dispute dispute => dispute.PaymentIntentId,
        Refund refund => refund.PaymentIntentId,
        _ => null,
    };

    public static string? BookingIdFromMetadata(Event stripeEvent) =>
        stripeEvent.Data?.Object is IHasMetadata { Metadata: { } metadata } ? metadata.GetValueOrDefault("bookingId") : null;

    /// The event's creation time; Stripe.net gives a UTC DateTime, the contracts and tables use DateTimeOffset.
    public static DateTimeOffset CreatedAt(Event stripeEvent) => new(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));

    public static PaymentEvent? Map(Event stripeEvent, string bookingId)
    {
        if (!PublishedTypes.Contains(stripeEvent.Type))
        {
            return null;
        }

        var intentId = PaymentIntentIdOf(stripeEvent) ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} names no PaymentIntent.");
        var id = $"{stripeEvent.Id}:{stripeEvent.Type}";
        var at = CreatedAt(stripeEvent);
        return stripeEvent.Data.Object switch
        {
            PaymentIntent intent when stripeEvent.Type.StartsWith("payment_intent.", StringComparison.Ordinal) => FromIntent(stripeEvent, intent, id, at, bookingId),
            Charge charge when stripeEvent.Type == "charge.refunded" => new PaymentRefunded
            {
                Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = charge.Amount, Currency = Currency(charge.Currency, stripeEvent),
                ChargeId = charge.Id ?? throw new FormatException($"charge.refunded {stripeEvent.Id} has no charge id."),
                AmountRefunded = charge.AmountRefunded,
            },
            Refund refund when stripeEvent.Type.StartsWith("refund.", StringComparison.Ordinal) || stripeEvent.Type == "charge.refund.updated" => FromRefund(stripeEvent, refund, id, at, bookingId, intentId),
            Dispute dispute when stripeEvent.Type == "charge.dispute.created" => new DisputeOpened { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = dispute.Amount, Currency = Currency(dispute.Currency, stripeEvent), DisputeId = DisputeId(dispute, stripeEvent), Reason = dispute.Reason },
            Dispute dispute when stripeEvent.Type == "charge.dispute.closed" => new DisputeClosed { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = dispute.Amount, Currency = Currency(dispute.Currency, stripeEvent), DisputeId = DisputeId(dispute, stripeEvent), Outcome = dispute.Status ?? "unknown" },
            var other => throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} carries a {other?.Object ?? "missing"} object."),
        };
    }

    private static PaymentEvent FromIntent(Event stripeEvent, PaymentIntent o, string id, DateTimeOffset at, string bookingId)
    {
        var currency = Currency(o.Currency, stripeEvent);
        return stripeEvent.Type switch
        {
            "payment_intent.succeeded" => new PaymentSucceeded { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = o.Id, StripeEventId = stripeEvent.Id, Amount = o.AmountReceived > 0 ? o.AmountReceived : o.Amount, Currency = currency },
            "payment_intent.payment_failed" => new PaymentFailed
            {
                Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = o.Id, StripeEventId = stripeEvent.Id, Amount = o.Amount, Currency = currency,
                FailureCode = o.LastPaymentError?.Code,
                DeclineCode = o.LastPaymentError?.DeclineCode,
                FailureMessage = o.LastPaymentError?.Message,
            },
            "payment_intent.canceled" => new PaymentCanceled { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = o.Id, StripeEventId = stripeEvent.Id, Amount = o.Amount, Currency = currency, CancellationReason = o.CancellationReason },
            "payment_intent.processing" => new PaymentProcessing { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = o.Id, StripeEventId = stripeEvent.Id, Amount = o.Amount, Currency = currency },
            _ => new PaymentRequiresAction { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = o.Id, StripeEventId = stripeEvent.Id, Amount = o.Amount, Currency = currency },
        };
    }

    private static RefundUpdated FromRefund(Event stripeEvent, Refund refund, string id, DateTimeOffset at, string bookingId, string intentId) => new()
    {
        Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = refund.Amount, Currency = Currency(refund.Currency, stripeEvent),
        RefundId = refund.Id ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no refund id."),
        RefundStatus = refund.Status ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no refund status."),
        FailureReason = refund.FailureReason,
        RefundCreatedAt = new DateTimeOffset(DateTime.SpecifyKind(refund.Created, DateTimeKind.Utc)),
        Kind = refund.Metadata?.GetValueOrDefault("kind"),
    };

    // Stripe writes "eur"; the contract uses ISO 4217's upper case, as the bookings do.
    private static string Currency(string? currency, Event stripeEvent) =>
        currency?.ToUpperInvariant() ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no currency.");

    private static string DisputeId(Dispute dispute, Event stripeEvent) =>
        dispute.Id ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no dispute id.");
}
