using System.Net;
using Stripe;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class EventTests
{
    [Fact]
    public async Task EventsAreListedNewestFirstAndPageWithStartingAfterEndingBeforeAndStripeNetsAutoPaging()
    {
        await using var emulator = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await emulator.CreateIntentAsync(100 + i);
        }

        var events = emulator.StripeNet.V1.Events;
        var all = emulator.State.Events.Select(e => Id(e)).Reverse().ToList();
        var first = await events.ListAsync(new EventListOptions { Limit = 2 });
        var second = await events.ListAsync(new EventListOptions { Limit = 2, StartingAfter = all[1] });
        var last = await events.ListAsync(new EventListOptions { Limit = 2, StartingAfter = all[3] });
        var back = await events.ListAsync(new EventListOptions { Limit = 2, EndingBefore = all[3] });
        var paged = new List<string>();
        await foreach (var e in events.ListAutoPagingAsync(new EventListOptions { Limit = 2 }))
        {
            paged.Add(e.Id);
        }

        Assert.Equal("/v1/events", first.Url);
        Assert.Equal(all[..2], first.Data.Select(e => e.Id));
        Assert.True(first.HasMore);
        Assert.Equal(all[2..4], second.Data.Select(e => e.Id));
        Assert.Equal([all[4]], last.Data.Select(e => e.Id));
        Assert.False(last.HasMore);
        Assert.Equal(all[1..3], back.Data.Select(e => e.Id));
        Assert.True(back.HasMore);
        Assert.Equal(all, paged);
    }

    [Fact]
    public async Task EventsFilterByTypesAndByCreatedTime()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);
        await emulator.CreateIntentAsync();
        clock.Advance(TimeSpan.FromMinutes(1));
        await emulator.SucceededIntentAsync();
        var events = emulator.StripeNet.V1.Events;
        var minute = DateTimeOffset.FromUnixTimeSeconds(1_700_000_060).UtcDateTime;

        var succeeded = await events.ListAsync(new EventListOptions { Types = ["payment_intent.succeeded", "charge.succeeded"] });
        var wildcard = await events.ListAsync(new EventListOptions { Type = "payment_intent.*" });
        var later = await events.ListAsync(new EventListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = minute } });
        var earlier = await events.ListAsync(new EventListOptions { Created = new DateRangeOptions { LessThan = minute } });

        Assert.Equal(["payment_intent.succeeded", "charge.succeeded"], succeeded.Data.Select(e => e.Type));
        Assert.Equal(["payment_intent.succeeded", "payment_intent.created", "payment_intent.created"], wildcard.Data.Select(e => e.Type));
        Assert.Equal(3, later.Data.Count);
        Assert.Equal(["payment_intent.created"], earlier.Data.Select(e => e.Type));
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
}
