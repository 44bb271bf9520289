using Stripe;
using Stripe.Checkout;

namespace PaymentFunctions.Webhooks;

/// What the app reads from a Stripe event becomes row keys, stored state, published events and log values, so it
/// must have the shape Stripe gives it: a signed event whose fields do not (a compromised integration on the
/// account, a bug at Stripe) is refused before anything is stored. A field that is missing is not decided here:
/// the mapper records such an event as unprocessable.
public static class StripeEventShape
{
    /// Stripe's OpenAPI spec gives its free-text strings (messages, codes, reasons) a maxLength of 5000.
    public const int MaxTextLength = 5000;

    /// Stripe's object ids are at most 255 characters.
    public const int MaxObjectIdLength = 255;

    private const int MaxTypeLength = 100;

    /// Why the event is refused, or null when every field the app reads has Stripe's shape.
    public static string? Refusal(Event stripeEvent)
    {
        ArgumentNullException.ThrowIfNull(stripeEvent);
        if (!StripePayload.IsEventId(stripeEvent.Id))
        {
            return $"The event id is not evt_ followed by at most {StripePayload.MaxEventIdLength - 4} letters, digits or underscores.";
        }

        if (stripeEvent.Type is { } type && !IsEventType(type))
        {
            return $"The type of {stripeEvent.Id} is not a Stripe event type (at most {MaxTypeLength} lower-case letters, digits, '.' or '_').";
        }

        var (ids, currency, texts) = stripeEvent.Data?.Object switch
        {
            PaymentIntent o => ([o.Id], o.Currency, [o.CancellationReason, o.LastPaymentError?.Code, o.LastPaymentError?.DeclineCode, o.LastPaymentError?.Message]),
            Charge o => ([o.Id, o.PaymentIntentId], o.Currency, []),
            Dispute o => (new[] { o.Id, o.PaymentIntentId }, o.Currency, new[] { o.Reason, o.Status }),
            Session o => ([o.Id, o.PaymentIntentId], o.Currency, [o.ClientReferenceId, o.PaymentStatus, o.Status]),
            _ => ([], null, Array.Empty<string?>()),
        };
        return ids.Any(id => id is not null && !IsObjectId(id)) ? $"An object id in {stripeEvent.Id} is not a Stripe id (at most {MaxObjectIdLength} letters, digits or underscores)."
            : currency is not null && !IsCurrency(currency) ? $"The currency of {stripeEvent.Id} is not a three-letter ISO 4217 code."
            : texts.Any(t => t?.Length > MaxTextLength) ? $"A text field of {stripeEvent.Id} is longer than Stripe's {MaxTextLength} characters."
            : null;
    }

    public static bool IsObjectId(string id) =>
        id.Length is > 0 and <= MaxObjectIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static bool IsEventType(string type) =>
        type.Length is > 0 and <= MaxTypeLength && type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_');

    public static bool IsCurrency(string currency) => currency.Length == 3 && currency.All(char.IsAsciiLetter);
}
