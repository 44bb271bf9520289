using System.Text.Json;
using System.Text.RegularExpressions;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments;
using PaymentFunctions.Payments.Checkout;
using PaymentFunctions.Payments.Customers;
using PaymentFunctions.Payments.Refunds;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;
using Stripe;

namespace PaymentFunctions.Tests.StripeNet;

/// Every path and parameter the app makes Stripe.net send must exist in Stripe's published OpenAPI spec, nested
/// keys included. Stripe.net's option types make a misspelt name impossible, but not a parameter that is newer
/// than what the app's Stripe accounts accept, nor one the app did not mean to send; the requests are recorded
/// on the wire, as Stripe.net encodes them.
public sealed class StripeContractTests
{
    private static readonly Lazy<JsonDocument> Spec = new(() =>
        JsonDocument.Parse(System.IO.File.ReadAllBytes(RepoPaths.SharedReference("stripe", "spec3.2022-04-12.json"))));

    private static readonly Booking Booking = new()
    {
        Id = "bk_contract", UserId = "alice", TicketTypeId = "standard", Quantity = 2, Amount = 5000, Currency = "EUR",
        Status = BookingStatus.PENDING, CreatedAt = DateTimeOffset.UnixEpoch, HoldExpiresAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task CreatingAnIntentSendsOnlyParametersOfPostPaymentIntents()
    {
        var stripe = new RecordingStripeHandler().Answer(200, StripeFixtures.Resource("payment_intent"));

        await stripe.CreateClient().V1.PaymentIntents.CreateAsync(PaymentIntentIssuer.CreateOptions(Booking, "cus_123", savePaymentMethod: true), new RequestOptions { IdempotencyKey = "k" });

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Equal(
            ["amount", "automatic_payment_methods[enabled]", "currency", "customer", "description", "metadata[bookingId]", "metadata[userId]", "setup_future_usage"],
            sent.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Contains(new KeyValuePair<string, string>("currency", "eur"), sent);
        Assert.Contains(new KeyValuePair<string, string>("amount", "5000"), sent);
    }

    [Fact]
    public async Task CreatingAUsersCustomerSendsOnlyParametersOfPostCustomers()
    {
        var stripe = new RecordingStripeHandler().Answer(200, StripeFixtures.Resource("customer"));

        await stripe.CreateClient().V1.Customers.CreateAsync(StripeCustomers.CreateOptions("alice"), new RequestOptions { IdempotencyKey = "k" });

        Assert.Equal([new KeyValuePair<string, string>("metadata[userId]", "alice")], AssertConformsToSpec(stripe.Requests.Single()));
    }

    [Fact]
    public async Task ListingAndDetachingSavedCardsUsePathsAndParametersOfTheSpec()
    {
        var stripe = new RecordingStripeHandler()
            .Answer(200, """{"object":"list","data":[],"has_more":false,"url":"/v1/payment_methods"}""")
            .Answer(200, StripeFixtures.Resource("payment_method"));
        var client = stripe.CreateClient();

        await foreach (var _ in client.V1.PaymentMethods.ListAutoPagingAsync(SavedCards.ListOptions("cus_123")))
        {
        }

        await client.V1.PaymentMethods.DetachAsync("pm_123");

        var listed = AssertConformsToSpec(stripe.Requests[0]);
        Assert.Equal(["customer", "limit", "type"], listed.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Empty(AssertConformsToSpec(stripe.Requests[1]));
    }

    [Fact]
    public async Task RefundingABookingSendsOnlyParametersOfPostRefunds()
    {
        var stripe = new RecordingStripeHandler().Answer(200, StripeFixtures.Resource("refund"));

        await stripe.CreateClient().V1.Refunds.CreateAsync(RefundIssuer.CreateOptions(Booking, "pi_123", 1000, "requested_by_customer", "staff", "refund-staff:bk_contract:0123"), new RequestOptions { IdempotencyKey = "k" });

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Equal(["amount", "metadata[bookingId]", "metadata[kind]", "metadata[refundKey]", "payment_intent", "reason"], sent.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LookingForARefundAmongAnIntentsUsesOnlyQueryParametersOfGetRefunds()
    {
        var stripe = new RecordingStripeHandler().Answer(200, """{"object":"list","data":[],"has_more":false,"url":"/v1/refunds"}""");

        await foreach (var _ in stripe.CreateClient().V1.Refunds.ListAutoPagingAsync(new RefundListOptions { PaymentIntent = "pi_123", Limit = 100 }))
        {
        }

        Assert.Equal(["limit", "payment_intent"], AssertConformsToSpec(stripe.Requests.Single()).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CancelingTheOwnersIntentSendsOnlyParametersOfPostCancel()
    {
        var stripe = new RecordingStripeHandler().Answer(200, StripeFixtures.Resource("payment_intent"));

        await stripe.CreateClient().V1.PaymentIntents.CancelAsync("pi_123", BookingCancellation.CancelOptions);

        Assert.Equal([new KeyValuePair<string, string>("cancellation_reason", "requested_by_customer")], AssertConformsToSpec(stripe.Requests.Single()));
    }

    [Fact]
    public async Task CancelingAnExpiredBookingsIntentSendsOnlyParametersOfPostCancel()
    {
        var stripe = new RecordingStripeHandler().Answer(200, StripeFixtures.Resource("payment_intent"));

        await stripe.CreateClient().V1.PaymentIntents.CancelAsync("pi_123", BookingExpiry.CancelOptions, new RequestOptions { IdempotencyKey = "k" });

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Equal([new KeyValuePair<string, string>("cancellation_reason", "abandoned")], sent);
    }

    [Fact]
    public async Task CreatingACheckoutSessionSendsOnlyParametersOfPostCheckoutSessions()
    {
        var stripe = new RecordingStripeHandler().Answer(200, StripeFixtures.Resource("checkout.session"));

        await stripe.CreateClient().V1.Checkout.Sessions.CreateAsync(
            CheckoutSessionIssuer.CreateOptions(Booking, "Standard", "cus_123", "https://spa.example/?session_id={CHECKOUT_SESSION_ID}", "https://spa.example/?checkout=cancelled"),
            new RequestOptions { IdempotencyKey = "k" });

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Equal(
            ["cancel_url", "client_reference_id", "customer", "expires_at", "line_items[0][price_data][currency]", "line_items[0][price_data][product_data][name]", "line_items[0][price_data][unit_amount]",
             "line_items[0][quantity]", "metadata[bookingId]", "metadata[userId]", "mode", "payment_intent_data[description]", "payment_intent_data[metadata][bookingId]",
             "payment_intent_data[metadata][paymentFlow]", "payment_intent_data[metadata][userId]", "success_url"],
            sent.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Contains(new KeyValuePair<string, string>("line_items[0][price_data][unit_amount]", "2500"), sent);
        Assert.Contains(new KeyValuePair<string, string>("line_items[0][quantity]", "2"), sent);
        Assert.Contains(new KeyValuePair<string, string>("success_url", "https://spa.example/?session_id={CHECKOUT_SESSION_ID}"), sent);
    }

    [Fact]
    public async Task ExpiringReadingAndFindingCheckoutSessionsUsePathsAndParametersOfTheSpec()
    {
        var session = StripeFixtures.Resource("checkout.session");
        var stripe = new RecordingStripeHandler()
            .Answer(200, session)
            .Answer(200, session)
            .Answer(200, """{"object":"list","data":[],"has_more":false,"url":"/v1/checkout/sessions"}""")
            .Answer(200, StripeFixtures.Resource("payment_intent"));
        var client = stripe.CreateClient();

        await CheckoutSessionClosing.ExpireAsync(client, "cs_test_123", new RequestOptions { IdempotencyKey = "k" }, default);
        await client.V1.Checkout.Sessions.GetAsync("cs_test_123");
        await client.V1.Checkout.Sessions.ListAsync(BookingResolver.OwnerListing("pi_123"));
        await client.V1.PaymentIntents.CancelAsync("pi_123", CheckoutSessionIssuer.CancelOptions);

        Assert.Empty(AssertConformsToSpec(stripe.Requests[0]));
        Assert.Empty(AssertConformsToSpec(stripe.Requests[1]));
        Assert.Equal(["limit", "payment_intent"], AssertConformsToSpec(stripe.Requests[2]).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal([new KeyValuePair<string, string>("cancellation_reason", "abandoned")], AssertConformsToSpec(stripe.Requests[3]));
    }

    [Fact]
    public async Task ReconciliationListsAWindowWithOnlyQueryParametersOfGetEvents()
    {
        var stripe = new RecordingStripeHandler().Answer(200, """{"object":"list","data":[],"has_more":false,"url":"/v1/events"}""");
        var from = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        await stripe.CreateClient().V1.Events.ListAsync(StripeReconciliation.Listing(from, from.AddSeconds(1), 100, startingAfter: "evt_123"));

        var sent = AssertConformsToSpec(stripe.Requests.Single());
        Assert.Contains(new KeyValuePair<string, string>("created[gte]", "1700000000"), sent);
        Assert.Contains(new KeyValuePair<string, string>("created[lt]", "1700000001"), sent);
        Assert.Contains(new KeyValuePair<string, string>("starting_after", "evt_123"), sent);
        Assert.Contains(new KeyValuePair<string, string>("limit", "100"), sent);
        Assert.Equal(StripeEventMapper.PublishedTypes.Order(StringComparer.Ordinal), sent.Where(p => p.Key.StartsWith("types[", StringComparison.Ordinal)).Select(p => p.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RetrievingAnIntentUsesAPathOfTheSpecAndSendsNoParameters()
    {
        var stripe = new RecordingStripeHandler().Answer(200, StripeFixtures.Resource("payment_intent"));

        await stripe.CreateClient().V1.PaymentIntents.GetAsync("pi_123");

        Assert.Empty(AssertConformsToSpec(stripe.Requests.Single()));
    }

    /// Finds the spec operation for the recorded request and checks each sent key against its schema; returns the sent pairs.
    private static List<KeyValuePair<string, string>> AssertConformsToSpec(RecordedRequest request)
    {
        var operation = FindOperation(request.Method, request.Uri.AbsolutePath);
        if (request.Method == "GET")
        {
            Assert.Equal(string.Empty, request.Body);
            var sent = StripeFixtures.DecodeForm(request.Uri.Query);
            var parameters = operation.GetProperty("parameters").EnumerateArray()
                .Where(p => p.GetProperty("in").GetString() == "query")
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("schema"));
            foreach (var (key, _) in sent)
            {
                var segments = Segments(key);
                Assert.True(parameters.TryGetValue(segments[0], out var schema), $"GET {request.Uri.AbsolutePath}: '{segments[0]}' is not a query parameter in the spec.");
                AssertNested(schema, segments, 1, key);
            }

            return sent;
        }

        Assert.Equal(string.Empty, request.Uri.Query);
        var form = StripeFixtures.DecodeForm(request.Body);
        var body = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded").GetProperty("schema");
        foreach (var (key, _) in form)
        {
            AssertNested(body, ["", .. Segments(key)], 1, key);
        }

        return form;
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

    // "metadata[bookingId]" -> ["metadata", "bookingId"]; "types[0]" (Stripe.net indexes lists) -> ["types", "0"].
    private static string[] Segments(string key) =>
        [key.Split('[')[0], .. Regex.Matches(key, @"\[([^\]]*)\]").Select(m => m.Groups[1].Value)];

    private static void AssertNested(JsonElement schema, string[] segments, int index, string key)
    {
        if (index == segments.Length)
        {
            return;
        }

        var segment = segments[index];
        var isIndex = segment.Length == 0 || segment.All(char.IsAsciiDigit);
        var branches = schema.TryGetProperty("anyOf", out var anyOf) ? anyOf.EnumerateArray().ToList() : [schema];
        foreach (var branch in branches)
        {
            JsonElement next;
            if (isIndex && branch.TryGetProperty("items", out next))
            {
                AssertNested(next, segments, index + 1, key);
                return;
            }

            if (!isIndex && branch.TryGetProperty("properties", out var properties) && properties.TryGetProperty(segment, out next))
            {
                AssertNested(next, segments, index + 1, key);
                return;
            }

            if (!isIndex && branch.TryGetProperty("additionalProperties", out next) && next.ValueKind == JsonValueKind.Object)
            {
                AssertNested(next, segments, index + 1, key);
                return;
            }
        }

        throw new Xunit.Sdk.XunitException($"'{key}': the spec has no '{segment}' at this level.");
    }
}
