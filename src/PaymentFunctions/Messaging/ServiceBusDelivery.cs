using System.Globalization;
using System.Text.Json;

namespace PaymentFunctions.Messaging;

/// What a Service Bus trigger's binding data (FunctionContext.BindingContext.BindingData) says about one
/// delivery. The Functions host sends every value as text: MessageId, SessionId, CorrelationId, Subject and
/// ContentType as plain strings, DeliveryCount as "2", EnqueuedTimeUtc as a JSON string with its quotes, and
/// ApplicationProperties / UserProperties as JSON object text. Keys are case-insensitive; unknown ones are ignored.
public sealed record ServiceBusDelivery(
    string MessageId,
    int DeliveryCount,
    string? SessionId,
    string? CorrelationId,
    string? Subject,
    string? ContentType,
    DateTimeOffset? EnqueuedTimeUtc,
    IReadOnlyDictionary<string, string> ApplicationProperties)
{
    public static ServiceBusDelivery From(IReadOnlyDictionary<string, object?> bindingData)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in bindingData)
        {
            values[key] = value switch
            {
                null => null,
                string text => text,
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
                JsonElement element => element.GetRawText(),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
        }

        var messageId = Text(values, "MessageId") ?? throw new FormatException("The Service Bus binding data carries no MessageId.");
        var deliveryCount = Text(values, "DeliveryCount") is { } count
            ? int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"DeliveryCount '{count}' is not a positive number.")
            : 1;
        return new ServiceBusDelivery(
            messageId,
            deliveryCount,
            Text(values, "SessionId"),
            Text(values, "CorrelationId"),
            Text(values, "Subject") ?? Text(values, "Label"),
            Text(values, "ContentType"),
            Text(values, "EnqueuedTimeUtc") is { } enqueued ? Time(enqueued) : null,
            Properties(Text(values, "ApplicationProperties") ?? Text(values, "UserProperties")));
    }

    private static string? Text(Dictionary<string, string?> values, string key) =>
        values.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static DateTimeOffset Time(string text)
    {
        // The host JSON-serializes the DateTime, so the text arrives wrapped in quotes.
        var unquoted = text.StartsWith('"') ? JsonSerializer.Deserialize<string>(text)! : text;
        return DateTimeOffset.TryParse(unquoted, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"EnqueuedTimeUtc '{text}' is not a time.");
    }

    private static Dictionary<string, string> Properties(string? json)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null)
        {
            return properties;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("ApplicationProperties is not a JSON object.");
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return properties;
    }

    /// The binding data the host gives a function for this delivery, value for value: what the in-process
    /// transport hands the function, and what tests deliver.
    public IReadOnlyDictionary<string, object?> ToBindingData()
    {
        var data = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["MessageId"] = MessageId,
            ["DeliveryCount"] = DeliveryCount.ToString(CultureInfo.InvariantCulture),
            ["SessionId"] = SessionId,
            ["CorrelationId"] = CorrelationId,
            ["Subject"] = Subject,
            ["ContentType"] = ContentType,
            ["ApplicationProperties"] = JsonSerializer.Serialize(ApplicationProperties),
        };
        if (EnqueuedTimeUtc is { } enqueued)
        {
            data["EnqueuedTimeUtc"] = JsonSerializer.Serialize(enqueued.UtcDateTime);
        }

        return data;
    }
}
