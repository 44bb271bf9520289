using System.Net;
using System.Text;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Webhooks;

/// Hostile content under a valid signature (a compromised integration on the Stripe account, or a bug at Stripe),
/// and bursts of events for one booking: never a 5xx, and nothing stored for what is refused.
public sealed class HostileWebhookTests(ServiceBusAppHost fixture) : IClassFixture<ServiceBusAppHost>
{
    private readonly PaymentAppHost _host = fixture.Host;

    public static TheoryData<string, string> HostileFields => new()
    {
        { "event id", "evt_a/b#c?d\\e" },
        { "event id", "evt_line\nbreak" },
        { "event id", "evt_" + new string('x', 600) },
        { "type", "payment_intent.succeeded\ninfo: FORGED" },
        { "type", new string('t', 600) },
        { "object id", "pi_a/b#c?d" },
        { "object id", "pi_" + new string('x', 600) },
        { "currency", "eur\ninfo: FORGED-LOG-LINE" },
        { "currency", "LONE_SURROGATE" },
        { "event id", "LONE_SURROGATE" },
    };

    [Theory]
    [MemberData(nameof(HostileFields))]
    public async Task ASignedEventWithHostileContentIsNeverA5xx(string field, string value)
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_hostile", booking.Id);
        var json = field switch
        {
            "event id" => Set(stripeEvent, e => e["id"] = value),
            "type" => Set(stripeEvent, e => e["type"] = value),
            "object id" => Set(stripeEvent, e => e["data"]!["object"]!["id"] = value),
            _ => Set(stripeEvent, e => e["data"]!["object"]!["currency"] = value),
        };
        // A lone UTF-16 surrogate can only travel as a JSON escape.
        json = json.Replace("LONE_SURROGATE", "x\\ud800y", StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(json);

        var response = await StripeEvents.PostRawAsync(_host.Client, body, StripeSigner.Header(body, PaymentAppHost.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        Assert.True((int)response.StatusCode < 500, $"{field}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (!response.IsSuccessStatusCode)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.InboxPrefix));
        }
    }

    [Fact]
    public async Task SixteenDistinctEventsForOneBookingAtOnceAreAllStoredWithoutA5xx()
    {
        var booking = await TestBookings.SeedAsync(_host);
        string[] types = ["payment_intent.processing", "payment_intent.requires_action", "payment_intent.payment_failed", "payment_intent.succeeded"];
        var events = Enumerable.Range(0, 16).Select(i => StripeEvents.PaymentIntent(types[i % types.Length], "pi_race", booking.Id)).ToList();

        var answers = await Task.WhenAll(events.Select(e => StripeEvents.PostAsync(_host.Client, e)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(16, (await TestBookings.RowsAsync(_host, booking.Id, RowKeys.InboxPrefix)).Count);
    }

    private static string Set(System.Text.Json.Nodes.JsonObject stripeEvent, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        change(stripeEvent);
        return stripeEvent.ToJsonString();
    }
}
