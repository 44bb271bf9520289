using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// A webhook body to a typed Stripe event, in the order that keeps unsigned input from reaching any parser beyond
/// the signature check: UTF-8, signature (every configured secret), event id and API version from the raw JSON,
/// Stripe.net's typed event, its shape, its mode. Pure but for the clock the verifier reads.
public sealed class SignedEventReader(StripeSignatureVerifier verifier, IOptions<StripeOptions> options, ILogger<SignedEventReader> logger)
{
    private const string Malformed = "Malformed Stripe event";

    public bool TryRead(byte[] body, string? signature, [NotNullWhen(true)] out Event? stripeEvent, [NotNullWhen(false)] out WebhookReceipt? refusal)
    {
        stripeEvent = null;
        refusal = Refusal(body, signature, ref stripeEvent);
        return refusal is null;
    }

    private WebhookReceipt? Refusal(byte[] body, string? signature, ref Event? stripeEvent)
    {
        // Stripe signs UTF-8 text; a body that is not UTF-8 cannot carry a valid signature.
        if (!StripePayload.TryDecode(body, out var payload))
        {
            return Rejected("Invalid Stripe signature", "body is not UTF-8");
        }

        if (verifier.Verify(signature, payload) is { } reason)
        {
            logger.LogWarning("Rejected a Stripe webhook: {Reason}", reason);
            return Rejected("Invalid Stripe signature", reason);
        }

        // The version first, from the raw JSON: Stripe.net's types fit only the version it pins.
        if (StripePayload.ReadHead(payload) is not var (eventId, apiVersion))
        {
            return Rejected(Malformed, $"The body is not a Stripe event (a JSON object whose id is evt_ followed by at most {StripePayload.MaxEventIdLength - 4} letters, digits or underscores).");
        }

        if (!StripeApiVersion.IsCompatible(apiVersion))
        {
            // Not 2xx, so Stripe keeps it and redelivers after the endpoint and the app are aligned; nothing stored.
            var mismatch = StripeApiVersion.Mismatch(eventId, apiVersion);
            logger.LogError("Refused a Stripe webhook: {Mismatch}", mismatch);
            return WebhookReceipt.Refused(WebhookReceiptKind.UnsupportedVersion, "Unsupported Stripe API version", mismatch);
        }

        try
        {
            stripeEvent = EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or StripeException or InvalidOperationException or FormatException or OverflowException or KeyNotFoundException)
        {
            // Stripe.net reads members with JsonElement's typed getters: a member of the wrong type throws
            // InvalidOperationException, a number out of range FormatException or OverflowException, and an expandable
            // field given as an object without "id" KeyNotFoundException (the fuzz found it). Parsing is pure,
            // so whatever it throws means the (signed) body is not an event of this API version.
            return Rejected(Malformed, $"{eventId} cannot be read as a Stripe event ({ex.GetType().Name}).");
        }

        if (stripeEvent.Data is null || string.IsNullOrEmpty(stripeEvent.Type))
        {
            return Rejected(Malformed, $"{eventId} has no type or no data.");
        }

        if (StripeEventShape.Refusal(stripeEvent) is { } refusal)
        {
            logger.LogWarning("Refused a signed Stripe webhook {StripeEventId}: {Refusal}", eventId, refusal);
            return Rejected(Malformed, refusal);
        }

        var liveMode = options.Value.LiveMode;
        return stripeEvent.Livemode == liveMode
            ? null
            : Rejected("Wrong mode", $"This endpoint takes {(liveMode ? "live" : "test")}-mode events; {stripeEvent.Id} is {(stripeEvent.Livemode ? "live" : "test")}.");
    }

    private static WebhookReceipt Rejected(string title, string detail) => WebhookReceipt.Refused(WebhookReceiptKind.Rejected, title, detail);
}
