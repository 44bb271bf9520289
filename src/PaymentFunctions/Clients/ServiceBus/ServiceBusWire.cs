using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PaymentFunctions.Clients.ServiceBus;

/// The Service Bus REST message format ("Message headers and properties", "Send Message", "Send Message Batch").
internal static class ServiceBusWire
{
    public const string ApiVersion = "2015-01";
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    // Headers the transport or the broker owns: an application property with one of these names would be lost or
    // would change the request, so it is refused up front instead.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "BrokerProperties", "Content-Type", "Content-Length", "Content-Encoding", "Host", "Connection",
        "Expect", "Transfer-Encoding", "User-Agent", "Accept", "Accept-Encoding", "traceparent", "tracestate", "Request-Id",
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string BrokerPropertiesHeader(ServiceBusMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteBrokerProperties(writer, message);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// One element of a batch body: {"Body": "...", "BrokerProperties": {...}, "UserProperties": {...}}.
    public static byte[] BatchEntry(ServiceBusMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Body.ToMemory().Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (TryDecodeUtf8(message.Body, out var text))
            {
                writer.WriteString("Body", text);
            }
            else
            {
                // A JSON string cannot carry arbitrary bytes; the batch format's flag says the body is base64.
                writer.WriteString("Body", Convert.ToBase64String(message.Body.ToMemory().Span));
                writer.WriteBoolean("IsBodyBase64", true);
            }

            writer.WritePropertyName("BrokerProperties");
            WriteBrokerProperties(writer, message);
            if (message.ApplicationProperties.Count > 0)
            {
                writer.WriteStartObject("UserProperties");
                foreach (var (name, value) in message.ApplicationProperties)
                {
                    writer.WritePropertyName(name);
                    WritePropertyValue(writer, name, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// A custom-property header value: strings and dates quoted, numbers and booleans bare.
    public static string HeaderValue(string name, object value) => value switch
    {
        string text => JsonSerializer.Serialize(text),
        bool flag => flag ? "true" : "false",
        int number => number.ToString(CultureInfo.InvariantCulture),
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number when double.IsFinite(number) => number.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset time => "\"" + Rfc1123(time) + "\"",
        _ => throw UnsupportedValue(name, value),
    };

    public static void ValidatePropertyName(string name)
    {
        if (string.IsNullOrEmpty(name) || !name.All(IsTokenChar))
        {
            throw new ArgumentException($"Application property name '{name}' is not a valid HTTP header name (RFC 9110 token).", nameof(name));
        }

        if (ReservedHeaders.Contains(name) || name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Application property name '{name}' collides with a header the Service Bus REST API reserves.", nameof(name));
        }
    }

    public static string Rfc1123(DateTimeOffset time) => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    private static void WriteBrokerProperties(Utf8JsonWriter writer, ServiceBusMessage message)
    {
        writer.WriteStartObject();
        WriteIfSet(writer, "MessageId", message.MessageId);
        WriteIfSet(writer, "Label", message.Subject);
        WriteIfSet(writer, "CorrelationId", message.CorrelationId);
        WriteIfSet(writer, "SessionId", message.SessionId);
        if (message.TimeToLive is { } ttl)
        {
            writer.WriteNumber("TimeToLive", ttl.TotalSeconds);
        }

        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            writer.WriteString("ScheduledEnqueueTimeUtc", Rfc1123(scheduled));
        }

        writer.WriteEndObject();
    }

    private static void WritePropertyValue(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string text: writer.WriteStringValue(text); break;
            case bool flag: writer.WriteBooleanValue(flag); break;
            case int number: writer.WriteNumberValue(number); break;
            case long number: writer.WriteNumberValue(number); break;
            case double number when double.IsFinite(number): writer.WriteNumberValue(number); break;
            case DateTimeOffset time: writer.WriteStringValue(Rfc1123(time)); break;
            default: throw UnsupportedValue(name, value);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static bool TryDecodeUtf8(BinaryData body, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(body.ToMemory().Span);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static ArgumentException UnsupportedValue(string name, object? value) => new(
        $"Application property '{name}' has a value of type {value?.GetType().Name ?? "null"}; "
        + "use string, bool, int, long, finite double or DateTimeOffset.");

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
