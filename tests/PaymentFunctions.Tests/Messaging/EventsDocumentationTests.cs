using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

/// docs/events.md is the published contract: these tests make it impossible for its examples to drift from
/// what CloudEventEnvelope actually writes.
public sealed partial class EventsDocumentationTests
{
    private static readonly string DocPath = Path.Combine(RepoPaths.Root, "docs", "events.md");

    [Fact]
    public void EveryPublishedEventTypeHasExactlyOneExample()
    {
        var documented = Examples().Select(e => (string)e["type"]!).ToList();

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
        var payments = Examples().Where(e => ((string)e["type"]!).StartsWith("bookticket.payments.", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, payments.Count);

        foreach (var example in payments)
        {
            var read = CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(example.ToJsonString()));

            Assert.Equal((string)example["type"]!, EventTypes.TypeOf(read.GetType()));
            AssertWrittenAsDocumented(example, CloudEventEnvelope.ToOutboxMessage(read));
        }
    }

    [Fact]
    public void EveryBookingExampleIsWhatTheWriterProducesForItsData()
    {
        var bookings = Examples().Where(e => ((string)e["type"]!).StartsWith("bookticket.bookings.", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, bookings.Count);

        foreach (var example in bookings)
        {
            var clrType = EventTypes.ClrTypeOf((string)example["type"]!)!;
            var read = (BookingEvent)example["data"]!.Deserialize(clrType, CloudEventEnvelope.DataOptions)!;

            AssertWrittenAsDocumented(example, CloudEventEnvelope.ToOutboxMessage(read));
        }
    }

    [Fact]
    public void TheComparisonNoticesAMemberTheDocumentationLacks()
    {
        // Guards the guard: an example missing a data member must not pass as "the same".
        var example = Examples().First(e => (string)e["type"]! == "bookticket.payments.payment_failed.v1");
        var written = JsonNode.Parse(CloudEventEnvelope.ToOutboxMessage(CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(example.ToJsonString()))).Body)!;
        ((JsonObject)example["data"]!).Remove("declineCode");

        Assert.NotEqual(PropertyPaths(written), PropertyPaths(example));
    }

    private static void AssertWrittenAsDocumented(JsonObject example, OutboxMessage written)
    {
        var type = (string)example["type"]!;
        var body = JsonNode.Parse(written.Body)!;

        Assert.Equal(PropertyPaths(body), PropertyPaths(example));
        Assert.True(JsonNode.DeepEquals(body, example), $"The {type} example differs from what the code writes:\n{written.Body}");
        Assert.Equal((string)example["id"]!, written.MessageId);
        Assert.Equal(EventTypes.ShortName(type), written.Subject);
        Assert.Equal(type.StartsWith("bookticket.payments.", StringComparison.Ordinal) ? EventTypes.PaymentsTopic : EventTypes.BookingsTopic, written.Topic);
        Assert.Equal($"bookings/{written.BookingId}", (string)example["subject"]!);
    }

    private static List<JsonObject> Examples()
    {
        var markdown = File.ReadAllText(DocPath);
        return [.. JsonBlock().Matches(markdown)
            .Select(m => JsonNode.Parse(m.Groups["json"].Value))
            .OfType<JsonObject>()
            .Where(o => o.ContainsKey("specversion"))];
    }

    private static List<string> PublishedTypes() =>
    [
        .. typeof(EventTypes).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (t.IsAssignableTo(typeof(PaymentEvent)) || t.IsAssignableTo(typeof(BookingEvent))))
            .Select(EventTypes.TypeOf)
            .Order(StringComparer.Ordinal),
    ];

    private static SortedSet<string> PropertyPaths(JsonNode node)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Collect(node, "", paths);
        return paths;
    }

    private static void Collect(JsonNode? node, string prefix, SortedSet<string> paths)
    {
        if (node is not JsonObject obj)
        {
            return;
        }

        foreach (var (name, value) in obj)
        {
            paths.Add(prefix + name);
            Collect(value, prefix + name + ".", paths);
        }
    }

    [GeneratedRegex("```json\\s*\\n(?<json>.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
