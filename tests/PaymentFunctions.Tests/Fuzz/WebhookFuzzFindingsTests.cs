using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Fuzz;

/// The signed webhooks the fuzz test found answered 500 (or could be read two ways), one by one: each is now a 400
/// problem that stores nothing.
[Collection(AppHostGroup.Name)]
public sealed class WebhookFuzzFindingsTests(QuietServiceBusAppHost fixture) : IClassFixture<QuietServiceBusAppHost>
{
    private readonly PaymentAppHost _host = fixture.Host;

    public static TheoryData<string, string, string> Findings => new()
    {
        // Stripe.net reads members with JsonElement's typed getters, which throw InvalidOperationException.
        { "a number where Stripe.net reads a string", "\"object\":\"event\"", "\"object\":18446744073709551616" },
        { "a string where Stripe.net reads a number", "\"pending_webhooks\":0", "\"pending_webhooks\":\"many\"" },
        { "a number out of range", "\"amount\":2500", "\"amount\":1e400" },
        // A lone surrogate in any string, not only the fields the app reads itself.
        { "a lone surrogate in the description", "\"description\":null", "\"description\":\"x\\ud800y\"" },
        // Two ids: this check and Stripe.net could each read another one.
        { "the event id twice", "\"pending_webhooks\":0", "\"pending_webhooks\":0,\"id\":\"evt_other0000000000000000\"" },
        // Fields the app stores or publishes, out of Stripe's shape.
        { "a 64 KiB currency", "\"currency\":\"eur\"", $"\"currency\":\"{new string('e', 64 * 1024)}\"" },
        { "a two-letter currency", "\"currency\":\"eur\"", "\"currency\":\"eu\"" },
        { "an object id with key characters", "\"id\":\"pi_finding\"", "\"id\":\"pi_a/b#c?d\"" },
        { "an event type with a line break", "\"type\":\"payment_intent.payment_failed\"", "\"type\":\"payment_intent.payment_failed\\ninfo: FORGED\"" },
        { "a failure message over 5000 characters", "\"message\":\"Your card was declined.\"", $"\"message\":\"{new string('m', 5001)}\"" },
    };

    [Theory]
    [MemberData(nameof(Findings))]
    public async Task ASignedEventTheFuzzTestFoundIsA400ProblemThatStoresNothing(string finding, string original, string replacement)
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.payment_failed", "pi_finding", booking.Id, declineCode: "insufficient_funds");
        ((JsonObject)stripeEvent["data"]!["object"]!)["description"] = null;
        var json = stripeEvent.ToJsonString();
        Assert.Contains(original, json, StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(ReplaceFirst(json, original, replacement));

        var answer = await Answer.ReadAsync(await StripeEvents.PostRawAsync(_host.Client, body, StripeSigner.Header(body, PaymentAppHost.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds())));

        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{finding}: {answer.Status} {answer.Body}");
        answer.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal([RowKeys.Booking], (await TestBookings.RowsAsync(_host, booking.Id, "")).Select(r => r.RowKey));
        Assert.Equal(0, await SpaCalls.CountRowsAsync(_host.Tables.Lookups, KeyFilters.RowKeyStartingWith("evt_")));
    }

    [Fact]
    public async Task TheSameEventWithoutTheFindingsIsStored()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.payment_failed", "pi_finding", booking.Id, declineCode: "insufficient_funds");

        var answer = await Answer.ReadAsync(await StripeEvents.PostAsync(_host.Client, stripeEvent));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("stored", answer.Text("outcome"));
    }

    private static string ReplaceFirst(string text, string original, string replacement)
    {
        var at = text.IndexOf(original, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + original.Length)..];
    }
}
