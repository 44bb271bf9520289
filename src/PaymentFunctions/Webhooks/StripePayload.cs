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

    /// The event id and api_version from the raw JSON, or null when the body is not a JSON object with a string id.
    public static (string Id, string? ApiVersion)? ReadHead(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? (id.GetString()!, root.TryGetProperty("api_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
