using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using PaymentFunctions.Contracts;

namespace PaymentFunctions.Messaging;

/// CloudEvents 1.0 in structured JSON mode (application/cloudevents+json), written and read by the CNCF SDK
/// (CloudNative.CloudEvents): the envelope and the event's data travel together in the message body, so any consumer
/// can read them without Service Bus specifics. docs/events.md holds the exact bytes.
public static class CloudEventEnvelope
{
    /// The Service Bus ContentType: the SDK's structured media type, without the "; charset=utf-8" it appends, as
    /// messages have always been sent (JSON is UTF-8 by definition; a subscription may filter on this exact value).
    public const string ContentType = "application/cloudevents+json";

    // The relaxed encoder writes "+00:00" rather than "\u002B00:00": the body is JSON on a bus, never HTML.
    public static JsonSerializerOptions DataOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The formatter's writer takes the encoder from DataOptions too. A body with a member twice (two "type"s, two
    // "data"s) is refused rather than read by whichever comes last.
    private static readonly JsonEventFormatter Formatter = new(DataOptions, new JsonDocumentOptions { AllowDuplicateProperties = false });

    private static readonly Uri PaymentsSource = new("/bookticket/payments", UriKind.Relative);
    private static readonly Uri BookingsSource = new("/bookticket/bookings", UriKind.Relative);

    public static OutboxMessage ToOutboxMessage(PaymentEvent paymentEvent) =>
        Create(paymentEvent, paymentEvent.Id, paymentEvent.OccurredAt, paymentEvent.BookingId, PaymentsSource);

    public static OutboxMessage ToOutboxMessage(BookingEvent bookingEvent) =>
        Create(bookingEvent, bookingEvent.Id, bookingEvent.OccurredAt, bookingEvent.BookingId, BookingsSource);

    /// Reads a payment event; throws <see cref="FormatException"/> naming what is wrong for anything that is not
    /// a well-formed CloudEvent of a payment type this version knows.
    public static PaymentEvent ReadPaymentEvent(ReadOnlyMemory<byte> body)
    {
        CloudEvent cloudEvent;
        try
        {
            // The SDK refuses what is not JSON (JsonException), not a CloudEvents 1.0 object with id, source and type,
            // or has an attribute of the wrong kind, e.g. a "time" that is not RFC 3339 (ArgumentException, FormatException).
            cloudEvent = Formatter.DecodeStructuredModeMessage(body, contentType: null, extensionAttributes: null);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException)
        {
            throw new FormatException($"The message is not a CloudEvents 1.0 event in structured JSON: {ex.Message}", ex);
        }

        var type = cloudEvent.Type!;
        var clrType = EventTypes.ClrTypeOf(type);
        if (clrType is null || !clrType.IsAssignableTo(typeof(PaymentEvent)))
        {
            throw new FormatException($"Unknown payment event type '{type}'.");
        }

        // JSON data decodes to a JsonElement; data_base64 (byte[]) or a text/* string is not an event this service wrote.
        if (cloudEvent.Data is not JsonElement data)
        {
            throw new FormatException($"The {type} event has no JSON data.");
        }

        try
        {
            return (PaymentEvent?)data.Deserialize(clrType, DataOptions) ?? throw new FormatException($"The {type} event has null data.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The {type} event's data is malformed: {ex.Message}", ex);
        }
    }

    private static OutboxMessage Create(object evt, string id, DateTimeOffset occurredAt, string bookingId, Uri source)
    {
        var type = EventTypes.TypeOf(evt.GetType());

        // The SDK writes specversion, then the attributes in the order they are set here, then data (serialized with
        // DataOptions as its runtime type). It formats time with as few fractional digits as are exact (0, 3, 6 or 7).
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = id,
            Source = source,
            Type = type,
            Subject = $"bookings/{bookingId}",
            Time = occurredAt.ToUniversalTime(),
            DataContentType = MediaTypeNames.Application.Json,
            Data = evt,
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        return new OutboxMessage(
            Topic: EventTypes.TopicOf(evt.GetType()),
            MessageId: id,
            Type: type,
            Subject: EventTypes.ShortName(type),
            BookingId: bookingId,
            Body: Encoding.UTF8.GetString(body.Span));
    }
}
