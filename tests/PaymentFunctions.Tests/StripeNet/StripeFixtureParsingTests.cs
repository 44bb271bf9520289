using System.Text.Json;
using System.Text.Json.Nodes;
using Stripe;

namespace PaymentFunctions.Tests.StripeNet;

/// Stripe's own fixtures (../shared/reference/stripe/fixtures3.json) parse with Stripe.net's types, as objects and
/// as the data.object of events of the SDK's API version: the shapes the emulator copies and the mapper reads.
public sealed class StripeFixtureParsingTests
{
    [Fact]
    public void ThePaymentIntentFixtureParsesIntoTheFieldsTheAppReads()
    {
        var intent = JsonSerializer.Deserialize<PaymentIntent>(StripeFixtures.Resource("payment_intent"), StripeConfiguration.SerializerOptions)!;

        Assert.Equal("pi_1PgafyB7WZ01zgkWSjxsAJo3", intent.Id);
        Assert.Equal(1099, intent.Amount);
        Assert.Equal("usd", intent.Currency);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.StartsWith(intent.Id + "_secret_", intent.ClientSecret, StringComparison.Ordinal);
        Assert.True(intent.AutomaticPaymentMethods.Enabled);
        Assert.Empty(intent.Metadata);
    }

    [Theory]
    [InlineData("payment_intent.succeeded", "payment_intent", typeof(PaymentIntent))]
    [InlineData("charge.refunded", "charge", typeof(Charge))]
    [InlineData("charge.dispute.created", "dispute", typeof(Dispute))]
    public void AnEventOfTheSdksVersionCarriesItsFixtureAsATypedObject(string type, string resource, Type expected)
    {
        var fixture = JsonNode.Parse(StripeFixtures.Resource(resource))!;
        var stripeEvent = JsonNode.Parse(StripeFixtures.Resource("event"))!;
        stripeEvent["type"] = type;
        stripeEvent["api_version"] = StripeConfiguration.ApiVersion;
        stripeEvent["data"] = new JsonObject { ["object"] = fixture.DeepClone() };

        // ParseEvent's own version check is on: the event is of the version Stripe.net pins.
        var parsed = EventUtility.ParseEvent(stripeEvent.ToJsonString());

        Assert.Equal(type, parsed.Type);
        Assert.IsType(expected, parsed.Data.Object);
        Assert.Equal((string?)fixture["id"], ((IHasId)parsed.Data.Object).Id);
        Assert.Equal((long)fixture["amount"]!, parsed.Data.Object switch { PaymentIntent p => p.Amount, Charge c => c.Amount, Dispute d => d.Amount, _ => -1 });
    }
}
