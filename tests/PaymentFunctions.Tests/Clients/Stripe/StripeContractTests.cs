using System.Text.Json;
using System.Text.RegularExpressions;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Clients.Stripe;

/// Every path and parameter the client really sends must exist in Stripe's published OpenAPI spec, nested keys included.
public sealed class StripeContractTests
{
    private static readonly Lazy<JsonDocument> Spec = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(RepoPaths.SharedReference("stripe", "spec3.2022-04-12.json"))));

    [Fact]
    public async Task Create_sends_only_parameters_of_POST_payment_intents()
    {
        var stripe = new FakeStripeHandler().Answer(200, StripeFixtures.PaymentIntentJson);
        var options = new PaymentIntentCreateOptions(1099, "EUR")
        {
            Metadata = { ["bookingId"] = "b-1", ["attempt"] = "1" },
            Description = "Booking b-1",
            ReceiptEmail = "guest@example.com",
        };

        await stripe.CreateClient().CreatePaymentIntentAsync(options, "k");

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Equal(
            ["amount", "currency", "automatic_payment_methods[enabled]", "description", "receipt_email", "metadata[bookingId]", "metadata[attempt]"],
            sent.Select(p => p.Key));
        Assert.Contains(new KeyValuePair<string, string>("currency", "eur"), sent);
        Assert.Contains(new KeyValuePair<string, string>("automatic_payment_methods[enabled]", "true"), sent);
    }

    [Fact]
    public async Task Cancel_sends_only_parameters_of_POST_cancel()
    {
        var stripe = new FakeStripeHandler().Answer(200, StripeFixtures.PaymentIntentJson);

        await stripe.CreateClient().CancelPaymentIntentAsync("pi_123", "requested_by_customer", "k");

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Equal([new KeyValuePair<string, string>("cancellation_reason", "requested_by_customer")], sent);
    }

    [Fact]
    public async Task List_events_sends_only_query_parameters_of_GET_events()
    {
        var stripe = new FakeStripeHandler().Answer(200, """{"object":"list","data":[],"has_more":false}""");
        var since = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        await stripe.CreateClient().ListEventsAsync(new EventListOptions
        {
            CreatedGte = since,
            StartingAfter = "evt_9",
            Limit = 50,
            Types = ["payment_intent.succeeded", "payment_intent.payment_failed"],
        });

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Equal(
            ["created[gte]", "starting_after", "limit", "types[]", "types[]"],
            sent.Select(p => p.Key));
        Assert.Contains(new KeyValuePair<string, string>("created[gte]", "1700000000"), sent);
    }

    [Fact]
    public async Task Retrieves_use_paths_of_the_spec_and_send_no_parameters()
    {
        var stripe = new FakeStripeHandler().Answer(200, StripeFixtures.PaymentIntentJson).Answer(200, StripeFixtures.EventJson);
        var client = stripe.CreateClient();

        await client.GetPaymentIntentAsync("pi_123");
        await client.GetEventAsync("evt_123");

        Assert.All(stripe.Requests, r => Assert.Empty(AssertConformsToSpec(r)));
    }

    /// Finds the spec operation for the recorded request and checks each sent key against its schema; returns the sent pairs.
    private static List<KeyValuePair<string, string>> AssertConformsToSpec(RecordedRequest request)
    {
        var operation = FindOperation(request.Method, request.Uri.AbsolutePath);
        List<KeyValuePair<string, string>> sent;
        if (request.Method == "GET")
        {
            Assert.Equal(string.Empty, request.Body);
            sent = StripeFixtures.DecodeForm(request.Uri.Query);
            var parameters = operation.GetProperty("parameters").EnumerateArray()
                .Where(p => p.GetProperty("in").GetString() == "query")
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("schema"));
            foreach (var (key, _) in sent)
            {
                var segments = Segments(key);
                Assert.True(parameters.TryGetValue(segments[0], out var schema), $"GET {request.Uri.AbsolutePath}: '{segments[0]}' is not a query parameter in the spec.");
                AssertNested(schema, segments, 1, key);
            }
        }
        else
        {
            Assert.Equal(string.Empty, request.Uri.Query);
            sent = StripeFixtures.DecodeForm(request.Body);
            var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded").GetProperty("schema");
            foreach (var (key, _) in sent)
            {
                AssertNested(schema, ["", .. Segments(key)], 1, key);
            }
        }

        return sent;
    }

    private static JsonElement FindOperation(string method, string path)
    {
        foreach (var candidate in Spec.Value.RootElement.GetProperty("paths").EnumerateObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(candidate.Name), @"\\\{[^}]+}", "[^/]+") + "$";
            if (Regex.IsMatch(path, pattern) && candidate.Value.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                return operation;
            }
        }

        throw new Xunit.Sdk.XunitException($"{method} {path} is not an operation of Stripe's spec.");
    }

    // "metadata[bookingId]" -> ["metadata", "bookingId"]; "types[]" -> ["types", ""].
    private static string[] Segments(string key) =>
        [key.Split('[')[0], .. Regex.Matches(key, @"\[([^\]]*)\]").Select(m => m.Groups[1].Value)];

    private static void AssertNested(JsonElement schema, string[] segments, int index, string key)
    {
        if (index == segments.Length)
        {
            return;
        }

        var segment = segments[index];
        var branches = schema.TryGetProperty("anyOf", out var anyOf) ? anyOf.EnumerateArray().ToList() : [schema];
        foreach (var branch in branches)
        {
            JsonElement next;
            if (segment.Length == 0 && branch.TryGetProperty("items", out next))
            {
                AssertNested(next, segments, index + 1, key);
                return;
            }

            if (segment.Length > 0 && branch.TryGetProperty("properties", out var properties) && properties.TryGetProperty(segment, out next))
            {
                AssertNested(next, segments, index + 1, key);
                return;
            }

            if (segment.Length > 0 && branch.TryGetProperty("additionalProperties", out next) && next.ValueKind == JsonValueKind.Object)
            {
                AssertNested(next, segments, index + 1, key);
                return;
            }
        }

        throw new Xunit.Sdk.XunitException($"'{key}': the spec has no '{segment}' at this level.");
    }
}
