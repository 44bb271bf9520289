using System.Text.Json;

namespace PaymentFunctions.Clients.Stripe;

/// <summary>The fields of a Stripe PaymentIntent this service relies on.</summary>
/// <param name="Id">pi_...</param>
/// <param name="Status">requires_payment_method, requires_confirmation, requires_action, processing, requires_capture, canceled or succeeded.</param>
/// <param name="Amount">In the currency's minor unit.</param>
/// <param name="Currency">Lower-case ISO code.</param>
/// <param name="ClientSecret">For the browser to confirm the payment; treat it like a password, never log it.</param>
/// <param name="Metadata">Our keys, such as the booking id.</param>
/// <param name="Created">When Stripe created the intent.</param>
/// <param name="Livemode">False in test mode.</param>
/// <param name="LatestCharge">The id of the latest charge, if any.</param>
/// <param name="LastPaymentError">Why the last payment attempt failed, if it did.</param>
/// <param name="CancellationReason">Why the intent was canceled, if it was.</param>
public sealed record StripePaymentIntent(
    string Id,
    string Status,
    long Amount,
    string Currency,
    string? ClientSecret,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset Created,
    bool Livemode,
    string? LatestCharge,
    StripeError? LastPaymentError,
    string? CancellationReason)
{
    private const string What = "payment_intent";

    /// <summary>Stripe's <c>Request-Id</c> of the answer that carried this intent, when it came from an API call.</summary>
    public string? RequestId { get; init; }

    /// <summary>Parses a PaymentIntent JSON document.</summary>
    /// <exception cref="FormatException">The JSON is malformed, not a payment_intent, or lacks a required field.</exception>
    public static StripePaymentIntent Parse(ReadOnlySpan<byte> utf8Json)
    {
        using var document = StripeJson.ParseDocument(utf8Json, What);
        return Parse(document.RootElement);
    }

    /// <summary>Parses a PaymentIntent element, e.g. a <see cref="StripeEvent.DataObject"/> of a payment_intent.* event.</summary>
    /// <exception cref="FormatException">The element is not a payment_intent or lacks a required field.</exception>
    public static StripePaymentIntent Parse(JsonElement element)
    {
        StripeJson.ExpectObject(element, What);
        return new StripePaymentIntent(
            StripeJson.RequiredString(element, "id", What),
            StripeJson.RequiredString(element, "status", What),
            StripeJson.RequiredInt64(element, "amount", What),
            StripeJson.RequiredString(element, "currency", What),
            StripeJson.OptionalString(element, "client_secret", What),
            StripeJson.Metadata(element, What),
            StripeJson.RequiredUnixTime(element, "created", What),
            StripeJson.RequiredBoolean(element, "livemode", What),
            StripeJson.OptionalIdOrObject(element, "latest_charge", What),
            StripeJson.Error(element, "last_payment_error", What),
            StripeJson.OptionalString(element, "cancellation_reason", What));
    }
}
