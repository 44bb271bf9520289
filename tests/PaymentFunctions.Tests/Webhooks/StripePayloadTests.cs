using System.Text;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Tests.Webhooks;

/// What the webhook reads from the raw body before Stripe.net sees it.
public sealed class StripePayloadTests
{
    [Fact]
    public void AValidUtf8BodyDecodesAndInvalidBytesAreRefusedNotReplaced()
    {
        Assert.True(StripePayload.TryDecode(Encoding.UTF8.GetBytes("{\"note\":\"caf\u00e9\"}"), out var text));
        Assert.Equal("{\"note\":\"caf\u00e9\"}", text);
        Assert.False(StripePayload.TryDecode([0x7B, 0xC3, 0x28, 0x7D], out _));
    }

    [Theory]
    [InlineData("""{"id":"evt_1","api_version":"2026-10-28.endive"}""", "evt_1", "2026-10-28.endive")]
    [InlineData("""{"id":"evt_2","api_version":null}""", "evt_2", null)]
    [InlineData("""{"id":"evt_3"}""", "evt_3", null)]
    public void TheHeadIsTheEventIdAndItsApiVersion(string json, string id, string? apiVersion)
    {
        Assert.Equal((id, apiVersion), StripePayload.ReadHead(json));
    }

    [Theory]
    [InlineData("""["evt_1"]""")]
    [InlineData("""{"id":42}""")]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("""{"id":"evt_1" """)]
    public void ABodyThatIsNotAnEventObjectWithAStringIdHasNoHead(string json)
    {
        Assert.Null(StripePayload.ReadHead(json));
    }
}
