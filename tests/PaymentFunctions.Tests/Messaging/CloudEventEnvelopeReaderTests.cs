using System.Text;
using System.Text.Json.Nodes;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Tests.Messaging;

/// The reader is strict: a body that is not a CloudEvents 1.0 event of a payment type this version knows is refused
/// with a FormatException, so the booking consumer fails the invocation and Service Bus dead-letters the message.
public sealed class CloudEventEnvelopeReaderTests
{
    // Exactly as the hand-written envelope wrote it before the CNCF SDK did (7 fractional digits in "time"): payment
    // fact rows stored then are read by PaymentState for as long as the booking lives.
    private const string WrittenBeforeTheSdk =
        """{"specversion":"1.0","id":"evt_1:payment_intent.succeeded","source":"/bookticket/payments","type":"bookticket.payments.payment_succeeded.v1","subject":"bookings/bk_1","time":"2024-11-14T16:01:00.0000000Z","datacontenttype":"application/json","data":{"id":"evt_1:payment_intent.succeeded","occurredAt":"2024-11-14T16:01:00+00:00","bookingId":"bk_1","paymentIntentId":"pi_1","stripeEventId":"evt_1","amount":5000,"currency":"EUR"}}""";

    [Fact]
    public void AnEventWrittenBeforeTheSdkIsStillRead()
    {
        var read = Assert.IsType<PaymentSucceeded>(CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(WrittenBeforeTheSdk)));

        Assert.Equal(("evt_1:payment_intent.succeeded", "bk_1", "pi_1", 5000L, "EUR"), (read.Id, read.BookingId, read.PaymentIntentId, read.Amount, read.Currency));
        Assert.Equal(new DateTimeOffset(2024, 11, 14, 16, 1, 0, TimeSpan.Zero), read.OccurredAt);
    }

    [Fact]
    public void UnknownExtensionAttributesAreIgnored()
    {
        // A relay may add distributed-tracing or other extension attributes; they do not change the event.
        var body = Mutated(e => e["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        Assert.IsType<PaymentSucceeded>(CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(body)));
    }

    private const string NotACloudEvent = "The message is not a CloudEvents 1.0 event in structured JSON: ";

    /// What is wrong, and the start of the message that names it.
    public static TheoryData<string, string> Refused => new()
    {
        { "this is not json", NotACloudEvent },
        { "[1,2]", NotACloudEvent + "Cannot decode JSON element of kind 'Array'" },
        { """{"id":"x"}""", NotACloudEvent + "Structured mode content does not represent a CloudEvent" },
        { Mutated(e => e["specversion"] = "0.3"), NotACloudEvent + "Unsupported CloudEvents spec version '0.3'" },
        { Mutated(e => e.Remove("type")), NotACloudEvent + "CloudEvent is missing required attributes: type" },
        { Mutated(e => e.Remove("id")), NotACloudEvent + "CloudEvent is missing required attributes: id" },
        { Mutated(e => e["time"] = "yesterday"), NotACloudEvent },
        { WrittenBeforeTheSdk.Replace("\"source\"", "\"type\":\"bookticket.payments.payment_failed.v1\",\"source\"", StringComparison.Ordinal), NotACloudEvent },
        { Mutated(e => e["type"] = "bookticket.payments.payment_succeeded.v2"), "Unknown payment event type 'bookticket.payments.payment_succeeded.v2'." },
        { Mutated(e => e["type"] = "bookticket.bookings.booking_confirmed.v1"), "Unknown payment event type 'bookticket.bookings.booking_confirmed.v1'." },
        { Mutated(e => e.Remove("data")), "The bookticket.payments.payment_succeeded.v1 event has no JSON data." },
        { Mutated(e => e["data"] = null), "The bookticket.payments.payment_succeeded.v1 event has no JSON data." },
        { Mutated(e => { e.Remove("data"); e["data_base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("{}")); }), "The bookticket.payments.payment_succeeded.v1 event has no JSON data." },
        { Mutated(e => e["data"] = "{}"), "The bookticket.payments.payment_succeeded.v1 event's data is malformed: " },
        { Mutated(e => ((JsonObject)e["data"]!).Remove("bookingId")), "The bookticket.payments.payment_succeeded.v1 event's data is malformed: " },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void ABodyThatIsNotAKnownPaymentCloudEventIsRefusedNamingWhy(string body, string named)
    {
        var error = Assert.Throws<FormatException>(() => CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(body)));

        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
    }

    private static string Mutated(Action<JsonObject> change)
    {
        var envelope = JsonNode.Parse(WrittenBeforeTheSdk)!.AsObject();
        change(envelope);
        return envelope.ToJsonString();
    }
}
