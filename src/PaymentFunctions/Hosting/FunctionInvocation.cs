using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PaymentFunctions.Hosting;

/// The request the Functions host POSTs to /{FunctionName} for a non-HTTP trigger when the app runs as a
/// custom handler: {"Data":{bindingName: value}, "Metadata":{...}}. Unknown keys are ignored.
/// The host builds the values with Json.NET (ScriptInvocationContextExtensions.GetHttpScriptInvocationContextValue):
/// byte[] with dataType "binary" travels as base64; any other non-object value (string, int, ...) is first run
/// through JsonConvert.SerializeObject, so a MessageId arrives as the JSON text "\"id\"" inside a JSON string.
public sealed record FunctionInvocationRequest(
    Dictionary<string, JsonElement>? Data,
    Dictionary<string, JsonElement>? Metadata)
{
    /// The trigger payload's raw bytes, for a binding declared with "dataType": "binary" (base64 on the wire):
    /// the only form that carries a message body byte for byte.
    public byte[]? BindingBytes(string bindingName)
    {
        if (Data is null || !Data.TryGetValue(bindingName, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"The '{bindingName}' binding data is not a base64 string; declare the binding with \"dataType\": \"binary\".");
        }

        try
        {
            return Convert.FromBase64String(value.GetString()!);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"The '{bindingName}' binding data is not base64; declare the binding with \"dataType\": \"binary\".", ex);
        }
    }

    /// A metadata value as text, undoing the host's JsonConvert.SerializeObject when it was applied.
    public string? MetadataString(string key)
    {
        if (Metadata is null || !Metadata.TryGetValue(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return value.GetRawText();
        }

        var text = value.GetString()!;
        try
        {
            using var inner = JsonDocument.Parse(text);
            return inner.RootElement.ValueKind switch
            {
                JsonValueKind.String => inner.RootElement.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => inner.RootElement.GetRawText(),
                _ => text,
            };
        }
        catch (JsonException)
        {
            return text; // not serialized twice (e.g. a caller that sends plain values)
        }
    }

    public int? MetadataInt(string key) =>
        int.TryParse(MetadataString(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// What the host sends for a Service Bus message on a binary binding; the in-process transport uses it so
    /// local deliveries take the very path Azure's do.
    public static FunctionInvocationRequest ForMessage(string bindingName, byte[] body, IReadOnlyDictionary<string, object?> metadata) => new(
        new Dictionary<string, JsonElement> { [bindingName] = JsonSerializer.SerializeToElement(Convert.ToBase64String(body)) },
        metadata.ToDictionary(kv => kv.Key, kv => kv.Value is IDictionary<string, string> map
            ? JsonSerializer.SerializeToElement(map)
            : JsonSerializer.SerializeToElement(JsonSerializer.Serialize(kv.Value))));
}

/// The answer the host expects for a successful invocation; any non-2xx fails it (and Service Bus redelivers).
/// Property names are written exactly as the host documents them (PascalCase), whatever the app's JSON defaults.
public sealed record FunctionInvocationResult(
    [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    public static FunctionInvocationResult Empty(params string[] logs) => new([], logs, null);
}
