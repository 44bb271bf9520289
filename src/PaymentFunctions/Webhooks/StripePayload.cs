using System.Text;
using System.Text.Json;

namespace PaymentFunctions.Webhooks;

/// The raw webhook body before Stripe.net sees it: EventUtility takes text, and the API version must be known
/// before anything is parsed as typed objects.
internal static class StripePayload
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// Stripe signs UTF-8 text; invalid bytes are refused rather than replaced (a replaced body would not verify anyway).
    public static bool TryDecode(byte[] body, out string payload)
    {
        try
        {
            payload = StrictUtf8.GetString(body);
            return true;
        }
        catch (DecoderFallbackException)
        {
            payload = "";
            return false;
        }
    }

    /// The longest event id whose MessageId `{id}:{type}` still fits Service Bus's 128 characters for every
    /// published type (Stripe's own event ids are 28 characters).
    public const int MaxEventIdLength = 128 - 1 - StripeEventMapper.LongestTypeLength;

    // Stripe never writes a key twice; where it appears, this check and Stripe.net could read different members.
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// The event id and api_version from the raw JSON, or null when the body is not a JSON object with a Stripe
    /// event id (evt_ and letters, digits or underscores, at most <see cref="MaxEventIdLength"/> characters), or
    /// holds a key twice or a string that is not valid UTF-16 (a lone surrogate escape such as "\ud800"): the id
    /// becomes row keys, log scopes and the MessageId, and every string may reach storage, so all of it is refused
    /// before it reaches them.
    public static (string Id, string? ApiVersion)? ReadHead(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload, Strict);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && IsWellFormed(root) && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && IsEventId(id.GetString()!)
                ? (id.GetString()!, root.TryGetProperty("api_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// Every string and key decodes: JsonDocument checks escapes only when a string is read, and throws
    /// InvalidOperationException for a lone surrogate (so would Stripe.net, and the table client after it).
    private static bool IsWellFormed(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Object => element.EnumerateObject().All(p => p.Name is not null && IsWellFormed(p.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(IsWellFormed),
                JsonValueKind.String => element.GetString() is not null,
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static bool IsEventId(string? id) =>
        id is not null && id.Length is > 4 and <= MaxEventIdLength && id.StartsWith("evt_", StringComparison.Ordinal) && StripeEventShape.IsObjectId(id);
}
