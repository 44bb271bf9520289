using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PaymentFunctions.Contracts;

namespace PaymentFunctions.Messaging;

/// CloudEvents 1.0 in structured JSON mode (application/cloudevents+json): the envelope and the event's data
/// travel together in the message body, so any consumer can read them without Service Bus specifics.
public static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";

    // The relaxed encoder writes "+00:00" rather than "\u002B00:00": the body is JSON on a bus, never HTML.
    public static JsonSerializerOptions DataOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static OutboxMessage ToOutboxMessage(PaymentEvent paymentEvent) =>
        Create(paymentEvent, paymentEvent.Id, paymentEvent.OccurredAt, paymentEvent.BookingId, "/bookticket/payments");

    public static OutboxMessage ToOutboxMessage(BookingEvent bookingEvent) =>
        Create(bookingEvent, bookingEvent.Id, bookingEvent.OccurredAt, bookingEvent.BookingId, "/bookticket/bookings");

    /// Reads a payment event; throws <see cref="FormatException"/> naming what is wrong for anything that is not
    /// a well-formed CloudEvent of a payment type this version knows.
    public static PaymentEvent ReadPaymentEvent(ReadOnlySpan<byte> body)
    {
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("The message body is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The message body is not JSON: {ex.Message}", ex);
        }

        if ((string?)envelope["specversion"] != "1.0")
        {
            throw new FormatException("The message is not a CloudEvents 1.0 event (specversion).");
        }

        var type = (string?)envelope["type"] ?? throw new FormatException("The CloudEvent has no type.");
        var clrType = EventTypes.ClrTypeOf(type);
        if (clrType is null || !clrType.IsAssignableTo(typeof(PaymentEvent)))
        {
            throw new FormatException($"Unknown payment event type '{type}'.");
        }

        var data = envelope["data"] ?? throw new FormatException($"The {type} event has no data.");
        try
        {
            return (PaymentEvent?)data.Deserialize(clrType, DataOptions) ?? throw new FormatException($"The {type} event has null data.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The {type} event's data is malformed: {ex.Message}", ex);
        }
    }

    private static OutboxMessage Create(object evt, string id, DateTimeOffset occurredAt, string bookingId, string source)
    {
        var type = EventTypes.TypeOf(evt.GetType());
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = type,
            ["subject"] = $"bookings/{bookingId}",
            ["time"] = occurredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = JsonSerializer.SerializeToNode(evt, evt.GetType(), DataOptions),
        };
        return new OutboxMessage(
            Topic: EventTypes.TopicOf(evt.GetType()),
            MessageId: id,
            Type: type,
            Subject: EventTypes.ShortName(type),
            BookingId: bookingId,
            Body: envelope.ToJsonString(DataOptions));
    }
}
