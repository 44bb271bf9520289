using System.Text;
using System.Text.Json.Nodes;
using PaymentFunctions.Clients.Stripe;

namespace PaymentFunctions.Tests.Clients.Stripe;

public sealed class StripeParsingTests
{
    [Fact]
    public void Stripes_payment_intent_fixture_parses_into_the_right_fields()
    {
        var intent = StripePaymentIntent.Parse(Encoding.UTF8.GetBytes(StripeFixtures.PaymentIntentJson));

        Assert.Equal("pi_1PgafyB7WZ01zgkWSjxsAJo3", intent.Id);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal(1099, intent.Amount);
        Assert.Equal("usd", intent.Currency);
        Assert.Equal("pi_1PgafyB7WZ01zgkWSjxsAJo3_secret_Dm43xiq1k0ywrRRjDoi8y1gkM", intent.ClientSecret);
        Assert.Empty(intent.Metadata);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1234567890), intent.Created);
        Assert.False(intent.Livemode);
        Assert.Null(intent.LatestCharge);
        Assert.Equal(new StripeError("idempotency_error", null, null, null, null), intent.LastPaymentError);
        Assert.Null(intent.CancellationReason);
    }

    [Fact]
    public void Metadata_an_expanded_latest_charge_and_a_cancellation_reason_are_read()
    {
        var json = JsonNode.Parse(StripeFixtures.PaymentIntentJson)!;
        json["metadata"] = new JsonObject { ["bookingId"] = "b-1" };
        json["latest_charge"] = JsonNode.Parse(StripeFixtures.Resource("charge"));
        json["cancellation_reason"] = "abandoned";
        json["last_payment_error"] = null;

        var intent = StripePaymentIntent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));

        Assert.Equal("b-1", intent.Metadata["bookingId"]);
        Assert.StartsWith("ch_", intent.LatestCharge, StringComparison.Ordinal);
        Assert.Equal("abandoned", intent.CancellationReason);
        Assert.Null(intent.LastPaymentError);
    }

    [Fact]
    public void Stripes_event_fixture_parses_and_its_data_object_outlives_the_document()
    {
        var stripeEvent = StripeEvent.Parse(Encoding.UTF8.GetBytes(StripeFixtures.EventJson));

        Assert.Equal("evt_1Pgc76B7WZ01zgkWwyRHS12y", stripeEvent.Id);
        Assert.Equal("plan.created", stripeEvent.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1234567890), stripeEvent.Created);
        Assert.False(stripeEvent.Livemode);
        Assert.Null(stripeEvent.ApiVersion);
        Assert.Equal("price_1PgafmB7WZ01zgkW6dKueIc5", stripeEvent.DataObject.GetProperty("id").GetString());
    }

    [Fact]
    public void A_payment_intent_event_carries_a_data_object_that_parses_as_a_payment_intent()
    {
        var json = JsonNode.Parse(StripeFixtures.EventJson)!;
        json["type"] = "payment_intent.succeeded";
        json["api_version"] = "2024-06-20";
        json["data"] = new JsonObject { ["object"] = JsonNode.Parse(StripeFixtures.PaymentIntentJson) };

        var stripeEvent = StripeEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));
        var intent = StripePaymentIntent.Parse(stripeEvent.DataObject);

        Assert.Equal("2024-06-20", stripeEvent.ApiVersion);
        Assert.Equal("pi_1PgafyB7WZ01zgkWSjxsAJo3", intent.Id);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"object":"event","type":"x","created":1,"livemode":false,"data":{"object":{}}}""", "'id'")]
    [InlineData("""{"object":"event","id":"evt_1","type":"x","created":1,"livemode":false}""", "'data'")]
    [InlineData("""{"object":"event","id":"evt_1","type":"x","created":1,"livemode":false,"data":{}}""", "'data.object'")]
    [InlineData("""{"object":"event","id":"evt_1","type":"x","created":"yesterday","livemode":false,"data":{"object":{}}}""", "'created'")]
    [InlineData("""{"object":"charge","id":"ch_1"}""", "'charge'")]
    public void A_malformed_event_throws_a_FormatException_that_names_the_problem(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => StripeEvent.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_of_events_parses_with_has_more_and_request_id()
    {
        var list = $$"""{"object":"list","url":"/v1/events","has_more":true,"data":[{{StripeFixtures.EventJson}},{{StripeFixtures.EventJson}}]}""";
        var stripe = new FakeStripeHandler().Answer(200, list, ("Request-Id", "req_list"));

        var page = await stripe.CreateClient().ListEventsAsync(new EventListOptions());

        Assert.Equal(2, page.Data.Count);
        Assert.True(page.HasMore);
        Assert.Equal("req_list", page.RequestId);
        Assert.Equal("plan.created", page.Data[0].Type);
    }
}
