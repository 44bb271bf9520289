using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

/// docs/events.md is the published contract: these tests make it impossible for its examples to drift from
/// what CloudEventEnvelope (the CNCF CloudEvents SDK) actually writes, byte for byte once the indentation is removed.
public sealed partial class EventsDocumentationTests
{
    private static readonly string DocPath = Path.Combine(RepoPaths.Root, "docs", "events.md");

    [Fact]
    public void EveryPublishedEventTypeHasExactlyOneExample()
    {
        var documented = Examples().Select(e => (string)e.Json["type"]!).ToList();

        Assert.Equal(14, PublishedTypes().Count);
        foreach (var type in PublishedTypes())
        {
            Assert.True(documented.Count(t => t == type) == 1, $"docs/events.md should have exactly one example of {type}, found {documented.Count(t => t == type)}.");
        }

        Assert.All(documented, type => Assert.Contains(type, PublishedTypes()));
    }

    [Fact]
    public void EveryPaymentExampleRoundTripsThroughTheReaderAndTheWriter()
    {
        var payments = Examples().Where(e => ((string)e.Json["type"]!).StartsWith("bookticket.payments.", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, payments.Count);

        foreach (var example in payments)
        {
            var read = CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(example.Wire));

            Assert.Equal((string)example.Json["type"]!, EventTypes.TypeOf(read.GetType()));
            AssertWrittenAsDocumented(example, CloudEventEnvelope.ToOutboxMessage(read));
        }
    }

    [Fact]
    public void EveryBookingExampleIsWhatTheWriterProducesForItsData()
    {
        var bookings = Examples().Where(e => ((string)e.Json["type"]!).StartsWith("bookticket.bookings.", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, bookings.Count);

        foreach (var example in bookings)
        {
            var clrType = EventTypes.ClrTypeOf((string)example.Json["type"]!)!;
            var read = (BookingEvent)example.Json["data"]!.Deserialize(clrType, CloudEventEnvelope.DataOptions)!;

            AssertWrittenAsDocumented(example, CloudEventEnvelope.ToOutboxMessage(read));
        }
    }

    [Fact]
    public void TheComparisonIsOnTheBytesNotOnTheJsonValue()
    {
        // Guards the guard: the same JSON value with two members swapped (or a member missing) must not pass as "the
        // same", and removing indentation must leave the spaces inside strings alone.
        var example = Examples().Single(e => (string)e.Json["type"]! == "bookticket.payments.payment_failed.v1");
        var swapped = example.Wire.Replace("\"source\":\"/bookticket/payments\",\"type\":\"bookticket.payments.payment_failed.v1\"", "\"type\":\"bookticket.payments.payment_failed.v1\",\"source\":\"/bookticket/payments\"", StringComparison.Ordinal);
        var written = CloudEventEnvelope.ToOutboxMessage(CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(example.Wire))).Body;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(swapped), JsonNode.Parse(written)));
        Assert.NotEqual(swapped, written);
        Assert.Contains("\"failureMessage\":\"Your card has insufficient funds.\"", example.Wire, StringComparison.Ordinal);
    }

    private static void AssertWrittenAsDocumented(Example example, OutboxMessage written)
    {
        var type = (string)example.Json["type"]!;

        Assert.Equal(example.Wire, written.Body);
        Assert.Equal((string)example.Json["id"]!, written.MessageId);
        Assert.Equal(EventTypes.ShortName(type), written.Subject);
        Assert.Equal(type.StartsWith("bookticket.payments.", StringComparison.Ordinal) ? EventTypes.PaymentsTopic : EventTypes.BookingsTopic, written.Topic);
        Assert.Equal($"bookings/{written.BookingId}", (string)example.Json["subject"]!);
    }

    /// One JSON example of docs/events.md: parsed, and as it travels (the same text without the indentation).
    private sealed record Example(JsonObject Json, string Wire);

    private static List<Example> Examples()
    {
        var markdown = File.ReadAllText(DocPath);
        return [.. JsonBlock().Matches(markdown)
            .Select(m => m.Groups["json"].Value)
            .Select(text => (Json: JsonNode.Parse(text), Text: text))
            .Where(e => e.Json is JsonObject o && o.ContainsKey("specversion"))
            .Select(e => new Example((JsonObject)e.Json!, WithoutIndentation(e.Text)))];
    }

    private static List<string> PublishedTypes() =>
    [
        .. typeof(EventTypes).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (t.IsAssignableTo(typeof(PaymentEvent)) || t.IsAssignableTo(typeof(BookingEvent))))
            .Select(EventTypes.TypeOf)
            .Order(StringComparer.Ordinal),
    ];

    /// Drops the whitespace between JSON tokens, keeping every character inside strings (escapes included) as written.
    private static string WithoutIndentation(string json)
    {
        var wire = new StringBuilder(json.Length);
        var (inString, escaped) = (false, false);
        foreach (var c in json)
        {
            if (inString)
            {
                (inString, escaped) = (escaped || c != '"', !escaped && c == '\\');
            }
            else if (char.IsWhiteSpace(c))
            {
                continue;
            }
            else
            {
                inString = c == '"';
            }

            wire.Append(c);
        }

        return wire.ToString();
    }

    [GeneratedRegex("```json\\s*\\n(?<json>.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
