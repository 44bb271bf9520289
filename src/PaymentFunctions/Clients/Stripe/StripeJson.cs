using System.Text.Json;

namespace PaymentFunctions.Clients.Stripe;

/// Reads Stripe objects by hand rather than with a serializer: each missing or mistyped field gets a
/// FormatException that names the object and the field, and unknown fields (Stripe adds them all the time) are ignored.
internal static class StripeJson
{
    public static JsonDocument ParseDocument(ReadOnlySpan<byte> utf8Json, string what)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Stripe {what} is not valid JSON: {e.Message}", e);
        }
    }

    public static void ExpectObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Stripe {what} is not a JSON object but {element.ValueKind}.");
        }

        if (element.TryGetProperty("object", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() != what)
        {
            throw new FormatException($"Expected a Stripe {what} but got object '{kind.GetString()}'.");
        }
    }

    public static string RequiredString(JsonElement obj, string name, string what) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Missing(name, "string", what);

    public static string? OptionalString(JsonElement obj, string name, string what) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Missing(name, "string or null", what);

    public static long RequiredInt64(JsonElement obj, string name, string what) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw Missing(name, "integer", what);

    public static bool RequiredBoolean(JsonElement obj, string name, string what) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw Missing(name, "boolean", what);

    public static DateTimeOffset RequiredUnixTime(JsonElement obj, string name, string what)
    {
        var seconds = RequiredInt64(obj, name, what);
        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"Stripe {what} field '{name}' ({seconds}) is not a Unix time.", e);
        }
    }

    /// An id that Stripe may also expand into the whole object (e.g. latest_charge with expand[]).
    public static string? OptionalIdOrObject(JsonElement obj, string name, string what) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? RequiredString(value, "id", $"{what}.{name}")
            : OptionalString(obj, name, what);

    public static IReadOnlyDictionary<string, string> Metadata(JsonElement obj, string what)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!obj.TryGetProperty("metadata", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return metadata;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Missing("metadata", "object", what);
        }

        foreach (var entry in value.EnumerateObject())
        {
            metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw new FormatException($"Stripe {what} metadata '{entry.Name}' is not a string.");
        }

        return metadata;
    }

    public static StripeError? Error(JsonElement obj, string name, string what)
    {
        if (!obj.TryGetProperty(name, out var error) || error.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            throw Missing(name, "object", what);
        }

        var path = $"{what}.{name}";
        return new StripeError(
            OptionalString(error, "type", path),
            OptionalString(error, "code", path),
            OptionalString(error, "decline_code", path),
            OptionalString(error, "param", path),
            OptionalString(error, "message", path));
    }

    private static FormatException Missing(string name, string type, string what) =>
        new($"Stripe {what} has no {type} field '{name}'.");
}
