using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PaymentFunctions.Hosting;

/// The request the Functions host POSTs to /{FunctionName} for a non-HTTP trigger when the app runs as a
/// custom handler: {"Data":{bindingName: value}, "Metadata":{...}}. Unknown keys are ignored.
public sealed record FunctionInvocationRequest(
    Dictionary<string, JsonElement>? Data,
    Dictionary<string, JsonElement>? Metadata)
{
    /// The trigger payload as raw bytes. The host passes a message body either as a JSON string (text bodies)
    /// or as the JSON value itself (bodies it could parse as JSON); both mean the same bytes to us.
    public byte[]? BindingBytes(string bindingName)
    {
        if (Data is null || !Data.TryGetValue(bindingName, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(value.GetString()!)
            : Encoding.UTF8.GetBytes(value.GetRawText());
    }

    public string? MetadataString(string key) =>
        Metadata is not null && Metadata.TryGetValue(key, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    public int? MetadataInt(string key) =>
        int.TryParse(MetadataString(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
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
