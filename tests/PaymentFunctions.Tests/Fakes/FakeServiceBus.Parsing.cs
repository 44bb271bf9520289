using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PaymentFunctions.Tests.Fakes;

public sealed partial class FakeServiceBus
{
    private static readonly string[] StringBrokerProperties =
        ["MessageId", "Label", "CorrelationId", "SessionId", "PartitionKey", "ReplyTo", "ReplyToSessionId", "To", "ViaPartitionKey"];

    // Headers that are HTTP or Azure plumbing rather than custom message properties.
    private static readonly HashSet<string> NotCustomProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "BrokerProperties", "Content-Type", "Content-Length", "Host", "User-Agent", "Accept",
        "Accept-Encoding", "Connection", "Expect", "Transfer-Encoding", "traceparent", "tracestate", "Request-Id",
    };

    private static (List<ReceivedMessage> Messages, string? Problem) ParseSingle(string topic, HttpRequest request, byte[] body)
    {
        var broker = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (request.Headers.TryGetValue("BrokerProperties", out var header))
        {
            try
            {
                using var document = JsonDocument.Parse(header.ToString());
                if (ReadBrokerProperties(document.RootElement, broker) is { } problem)
                {
                    return ([], problem);
                }
            }
            catch (JsonException)
            {
                return ([], "BrokerProperties header is not JSON");
            }
        }

        var user = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers)
        {
            if (NotCustomProperties.Contains(name) || name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (ParseHeaderValue(values.ToString()) is not { } value)
            {
                return ([], $"custom property header '{name}' has a malformed quoted value");
            }

            user[name] = value;
        }

        return ([new ReceivedMessage(topic, body, request.ContentType, broker, user, FromBatch: false)], null);
    }

    private static (List<ReceivedMessage> Messages, string? Problem) ParseBatch(string topic, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return ([], "batch body is not a JSON array");
            }

            var messages = new List<ReceivedMessage>();
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("Body", out var bodyElement) || bodyElement.ValueKind != JsonValueKind.String)
                {
                    return ([], "batch entry has no string Body");
                }

                var base64 = entry.TryGetProperty("IsBodyBase64", out var flag) && flag.ValueKind == JsonValueKind.True;
                byte[] bytes;
                try
                {
                    bytes = base64 ? Convert.FromBase64String(bodyElement.GetString()!) : Encoding.UTF8.GetBytes(bodyElement.GetString()!);
                }
                catch (FormatException)
                {
                    return ([], "batch entry Body is not base64 although IsBodyBase64 is true");
                }

                var broker = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                if (entry.TryGetProperty("BrokerProperties", out var brokerElement) && ReadBrokerProperties(brokerElement, broker) is { } problem)
                {
                    return ([], problem);
                }

                var user = new Dictionary<string, object>(StringComparer.Ordinal);
                if (entry.TryGetProperty("UserProperties", out var userElement) && ReadUserProperties(userElement, user) is { } userProblem)
                {
                    return ([], userProblem);
                }

                messages.Add(new ReceivedMessage(topic, bytes, ContentType: null, broker, user, FromBatch: true));
            }

            return (messages, null);
        }
        catch (JsonException)
        {
            return ([], "batch body is not JSON");
        }
    }

    private static string? ReadBrokerProperties(JsonElement element, Dictionary<string, JsonElement> broker)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "BrokerProperties is not a JSON object";
        }

        foreach (var property in element.EnumerateObject())
        {
            var kind = property.Value.ValueKind;
            if (StringBrokerProperties.Contains(property.Name) && kind != JsonValueKind.String)
            {
                return $"BrokerProperties.{property.Name} is not a string";
            }

            if (property.Name == "TimeToLive" && (kind != JsonValueKind.Number || property.Value.GetDouble() <= 0))
            {
                return "BrokerProperties.TimeToLive is not a positive number of seconds";
            }

            if (property.Name == "ScheduledEnqueueTimeUtc" && (kind != JsonValueKind.String
                || !DateTimeOffset.TryParseExact(property.Value.GetString(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
            {
                return "BrokerProperties.ScheduledEnqueueTimeUtc is not an RFC 1123 date";
            }

            broker[property.Name] = property.Value.Clone();
        }

        if (broker.TryGetValue("SessionId", out var session) && broker.TryGetValue("PartitionKey", out var partition)
            && session.GetString() != partition.GetString())
        {
            return "SessionId and PartitionKey differ";
        }

        return null;
    }

    private static string? ReadUserProperties(JsonElement element, Dictionary<string, object> user)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "UserProperties is not a JSON object";
        }

        foreach (var property in element.EnumerateObject())
        {
            object? value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => property.Value.TryGetInt64(out var integer) ? (object)integer : property.Value.GetDouble(),
                _ => null,
            };
            if (value is null)
            {
                return $"UserProperties.{property.Name} is not a string, number or boolean";
            }

            user[property.Name] = value;
        }

        return null;
    }

    /// Quoted values are strings; bare true/false and numbers are typed; any other bare text is taken as a string.
    private static object? ParseHeaderValue(string raw)
    {
        if (raw.StartsWith('"'))
        {
            try
            {
                return JsonSerializer.Deserialize<string>(raw);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (raw is "true" or "false")
        {
            return raw == "true";
        }

        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : raw;
    }
}
