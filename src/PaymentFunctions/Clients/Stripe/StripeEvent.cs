using System.Text.Json;

namespace PaymentFunctions.Clients.Stripe;

/// <summary>A Stripe event, from a webhook body or <c>GET /v1/events</c>.</summary>
/// <param name="Id">evt_...: the key for processing each event once.</param>
/// <param name="Type">For example <c>payment_intent.succeeded</c>.</param>
/// <param name="Created">When the event happened; Stripe does not deliver events in order.</param>
/// <param name="Livemode">False in test mode.</param>
/// <param name="ApiVersion">The API version <see cref="DataObject"/> is rendered in (null for some events).</param>
/// <param name="DataObject">The <c>data.object</c> element, detached from the parsed document so it outlives it.</param>
public sealed record StripeEvent(string Id, string Type, DateTimeOffset Created, bool Livemode, string? ApiVersion, JsonElement DataObject)
{
    private const string What = "event";

    /// <summary>Parses an event JSON document such as a webhook body.</summary>
    /// <exception cref="FormatException">The JSON is malformed, not an event, or lacks a required field (the message says which).</exception>
    public static StripeEvent Parse(ReadOnlySpan<byte> utf8Json)
    {
        using var document = StripeJson.ParseDocument(utf8Json, What);
        return Parse(document.RootElement);
    }

    internal static StripeEvent Parse(JsonElement element)
    {
        StripeJson.ExpectObject(element, What);
        if (!element.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Stripe event has no object field 'data'.");
        }

        if (!data.TryGetProperty("object", out var dataObject) || dataObject.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Stripe event has no object field 'data.object'.");
        }

        return new StripeEvent(
            StripeJson.RequiredString(element, "id", What),
            StripeJson.RequiredString(element, "type", What),
            StripeJson.RequiredUnixTime(element, "created", What),
            StripeJson.RequiredBoolean(element, "livemode", What),
            StripeJson.OptionalString(element, "api_version", What),
            dataObject.Clone());
    }
}
