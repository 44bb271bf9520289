using PaymentFunctions.Contracts;
using Stripe;
using Stripe.Checkout;

namespace PaymentFunctions.Webhooks;

/// Turns a Stripe event into the domain event the platform hears, or null for types we record but do not
/// publish. Pure: the booking id (and the Checkout Session) is resolved beforehand (<see cref="BookingResolver"/>). A
/// Checkout Session's events become the same events as its intent's: a paid session a payment_succeeded, one whose
/// delayed payment is under way (completed but unpaid) a payment_processing, its delayed payment's outcome a
/// payment_succeeded or payment_failed, its expiry a payment_canceled; the booking's facts merge them with the intent's. Reads the typed
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
        // Checkout Sessions: the session's own outcome, whichever of its intent's events arrive (or none, for a
        // session that expired before anyone tried to pay).
        "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed",
        "checkout.session.expired",
    };

    /// The longest published type: the MessageId `{event id}:{type}` must fit Service Bus's 128 characters.
    public const int LongestTypeLength = 40;

    /// The PaymentIntent an event is about: the object itself for payment_intent.*, its payment_intent field
    /// for charges, disputes and Checkout Sessions (null for a session nobody tried to pay yet).
    public static string? PaymentIntentIdOf(Event stripeEvent) => stripeEvent.Data?.Object switch
    {
        PaymentIntent intent => intent.Id,
        Session session => session.PaymentIntentId,
        Charge charge => charge.PaymentIntentId,
        Dispute dispute => dispute.PaymentIntentId,
        Refund refund => refund.PaymentIntentId,
        _ => null,
    };

    public static Dictionary<string, string>? MetadataOf(Event stripeEvent) =>
        stripeEvent.Data?.Object is IHasMetadata { Metadata: { } metadata } ? metadata : null;

    /// The event's creation time; Stripe.net gives a UTC DateTime, the contracts and tables use DateTimeOffset.
    public static DateTimeOffset CreatedAt(Event stripeEvent) => new(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));

    public static PaymentEvent? Map(Event stripeEvent, BookingMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return PublishedTypes.Contains(stripeEvent.Type) ? MapPublished(stripeEvent, match.BookingId) with { CheckoutSessionId = match.CheckoutSessionId } : null;
    }

    private static PaymentEvent MapPublished(Event stripeEvent, string bookingId)
    {
        // A session that expired before anyone tried to pay has no intent: its own id stands in (events.md).
        var intentId = PaymentIntentIdOf(stripeEvent) ?? (stripeEvent.Data.Object as Session)?.Id ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} names no PaymentIntent.");
        var id = $"{stripeEvent.Id}:{stripeEvent.Type}";
        var at = CreatedAt(stripeEvent);
        return stripeEvent.Data.Object switch
        {
            Session session when stripeEvent.Type.StartsWith("checkout.session.", StringComparison.Ordinal) => FromSession(stripeEvent, session, id, at, bookingId, intentId),
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

    private static PaymentEvent FromSession(Event stripeEvent, Session o, string id, DateTimeOffset at, string bookingId, string intentId)
    {
        var currency = Currency(o.Currency, stripeEvent);
        var amount = o.AmountTotal ?? throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has no amount_total.");
        return (stripeEvent.Type, o.PaymentStatus) switch
        {
            ("checkout.session.completed", "paid" or "no_payment_required") or ("checkout.session.async_payment_succeeded", _) =>
                new PaymentSucceeded { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency },
            ("checkout.session.completed", "unpaid") =>
                new PaymentProcessing { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency },
            ("checkout.session.async_payment_failed", _) =>
                new PaymentFailed { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency },
            ("checkout.session.expired", _) =>
                new PaymentCanceled { Id = id, OccurredAt = at, BookingId = bookingId, PaymentIntentId = intentId, StripeEventId = stripeEvent.Id, Amount = amount, Currency = currency, CancellationReason = SessionExpired },
            _ => throw new FormatException($"{stripeEvent.Type} {stripeEvent.Id} has payment_status {o.PaymentStatus ?? "missing"}."),
        };
    }

    /// The cancellation reason of a payment_canceled that comes from an expired Checkout Session.
    public const string SessionExpired = "checkout_session_expired";

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
