using System.Net;
using System.Text.Json.Nodes;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class EventTests
{
    [Fact]
    public async Task EventsAreListedNewestFirstAndPageWithStartingAfterAndEndingBefore()
    {
        await using var emulator = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await emulator.CreateIntentAsync(100 + i);
        }

        var all = emulator.State.Events.Select(e => Id(e)).Reverse().ToList();
        var first = await emulator.GetAsync("/v1/events?limit=2");
        var second = await emulator.GetAsync($"/v1/events?limit=2&starting_after={all[1]}");
        var last = await emulator.GetAsync($"/v1/events?limit=2&starting_after={all[3]}");
        var back = await emulator.GetAsync($"/v1/events?limit=2&ending_before={all[3]}");

        Assert.Equal("list", (string?)first["object"]);
        Assert.Equal("/v1/events", (string?)first["url"]);
        Assert.Equal(all[..2], Ids(first));
        Assert.True((bool)first["has_more"]!);
        Assert.Equal(all[2..4], Ids(second));
        Assert.Equal([all[4]], Ids(last));
        Assert.False((bool)last["has_more"]!);
        Assert.Equal(all[1..3], Ids(back));
        Assert.True((bool)back["has_more"]!);
    }

    [Fact]
    public async Task EventsFilterByTypesAndByCreatedTime()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);
        await emulator.CreateIntentAsync();
        clock.Advance(TimeSpan.FromMinutes(1));
        await emulator.SucceededIntentAsync();

        var succeeded = await emulator.GetAsync("/v1/events?types[]=payment_intent.succeeded&types[]=charge.succeeded");
        var wildcard = await emulator.GetAsync("/v1/events?type=payment_intent.*");
        var later = await emulator.GetAsync("/v1/events?created[gte]=1700000060");
        var earlier = await emulator.GetAsync("/v1/events?created[lt]=1700000060");

        Assert.Equal(["payment_intent.succeeded", "charge.succeeded"], Types(succeeded));
        Assert.Equal(["payment_intent.succeeded", "payment_intent.created", "payment_intent.created"], Types(wildcard));
        Assert.Equal(3, Types(later).Count);
        Assert.Equal(["payment_intent.created"], Types(earlier));
    }

    [Fact]
    public async Task AnEventCarriesTheRequestThatCausedItAndCanBeRetrievedById()
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.PostAsync("/v1/payment_intents", "key-1", ("amount", "100"), ("currency", "eur"));
        var stored = emulator.State.Events.Single();
        var fetched = await emulator.GetAsync($"/v1/events/{Id(stored)}");
        using var missing = await emulator.Client.GetAsync("/v1/events/evt_nope");

        Assert.Equal(stored.ToJsonString(), fetched.ToJsonString());
        Assert.Matches("^evt_", Id(fetched));
        Assert.Equal("event", (string?)fetched["object"]);
        Assert.False((bool)fetched["livemode"]!);
        Assert.NotNull((string?)fetched["api_version"]);
        Assert.Equal(response.Headers.GetValues("Request-Id").Single(), (string?)fetched["request"]!["id"]);
        Assert.Equal("key-1", (string?)fetched["request"]!["idempotency_key"]);
        Assert.Equal(Id(await ReadAsync(response)), (string?)fetched["data"]!["object"]!["id"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("starting_after=evt_unknown")]
    [InlineData("created[gte]=soon")]
    public async Task BadListParametersAreRejected(string query)
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.Client.GetAsync($"/v1/events?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (string?)(await ReadAsync(response))["error"]!["type"]);
    }

    private static List<string> Ids(JsonObject list) => [.. list["data"]!.AsArray().Select(e => Id(e!))];

    private static List<string> Types(JsonObject list) => [.. list["data"]!.AsArray().Select(e => (string)e!["type"]!)];
}
