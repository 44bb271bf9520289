using System.Net;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using Stripe;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// GET /v1/events as reconciliation walks it: time windows (created[gte|gt|lt|lte]), types[], limit, both cursors and
/// has_more, newest first, through Stripe.net; and the parameters of Stripe's spec, no others.
public sealed class EventListingTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public async Task AWindowOfCreatedTimesAndTypesIsListedNewestFirstAcrossPages()
    {
        var clock = new ManualTimeProvider(Start);
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);
        for (var second = 0; second < 4; second++)
        {
            await emulator.CreateIntentAsync(100 + second);
            await emulator.CreateIntentAsync(200 + second);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var created = emulator.State.Events.Where(e => (string?)e["type"] == "payment_intent.created").Select(e => Id(e)).ToList();
        var window = new EventListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = Start.AddSeconds(1).UtcDateTime, LessThan = Start.AddSeconds(3).UtcDateTime },
            Types = ["payment_intent.created", "payment_intent.succeeded"],
            Limit = 3,
        };
        var first = await emulator.StripeNet.V1.Events.ListAsync(window);
        var paged = await ListAllAsync(emulator, window);
        var openEnds = await ListAllAsync(emulator, new EventListOptions { Created = new DateRangeOptions { GreaterThan = Start.AddSeconds(1).UtcDateTime, LessThanOrEqual = Start.AddSeconds(3).UtcDateTime } });

        Assert.Equal([created[5], created[4], created[3]], first.Data.Select(e => e.Id));
        Assert.True(first.HasMore);
        Assert.Equal([created[5], created[4], created[3], created[2]], paged);
        Assert.Equal([created[7], created[6], created[5], created[4]], openEnds);
    }

    [Fact]
    public async Task HasMoreIsFalseWhenAPageEndsAtTheLastMatch()
    {
        await using var emulator = await StartAsync();
        for (var i = 0; i < 4; i++)
        {
            await emulator.CreateIntentAsync(100 + i);
        }

        var newest = await emulator.StripeNet.V1.Events.ListAsync(new EventListOptions { Limit = 2 });
        var rest = await emulator.StripeNet.V1.Events.ListAsync(new EventListOptions { Limit = 2, StartingAfter = newest.Data[^1].Id });

        Assert.True(newest.HasMore);
        Assert.Equal(2, rest.Data.Count);
        Assert.False(rest.HasMore);
    }

    /// Stripe.net pages backwards (ending_before, each page reversed) when only EndingBefore is set: from one event,
    /// every newer one, oldest first.
    [Fact]
    public async Task StripeNetsAutoPagingWithEndingBeforeWalksTowardsNewerEventsOldestFirst()
    {
        await using var emulator = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await emulator.CreateIntentAsync(100 + i);
        }

        var oldestFirst = emulator.State.Events.Select(e => Id(e)).ToList();
        var walked = await ListAllAsync(emulator, new EventListOptions { EndingBefore = oldestFirst[0], Limit = 2 });

        Assert.Equal(oldestFirst[1..], walked);
    }

    [Fact]
    public async Task DeliverySuccessSeparatesEventsWhoseWebhooksAreStillPending()
    {
        // Nothing listens on the discard port, so every delivery fails and stays pending.
        await using var emulator = await StartAsync(o => (o.WebhookUrl, o.WebhookSecret, o.WebhookMaxAttempts) = ("http://127.0.0.1:9/hooks", "whsec_listing_tests", 1));
        await emulator.CreateIntentAsync();

        var delivered = await emulator.StripeNet.V1.Events.ListAsync(new EventListOptions { DeliverySuccess = true });
        var pending = await emulator.StripeNet.V1.Events.ListAsync(new EventListOptions { DeliverySuccess = false });

        Assert.Empty(delivered.Data);
        Assert.Equal(["payment_intent.created"], pending.Data.Select(e => e.Type));
    }

    [Fact]
    public async Task EveryQueryParameterOfTheSpecIsAccepted()
    {
        await using var emulator = await StartAsync();
        await emulator.CreateIntentAsync();
        await emulator.CreateIntentAsync();
        var ids = emulator.State.Events.Select(e => Id(e)).ToList();
        var samples = new Dictionary<string, string>
        {
            ["created"] = "created[gte]=1&created[lt]=9999999999", ["delivery_success"] = "delivery_success=true", ["ending_before"] = $"ending_before={ids[0]}",
            ["expand"] = "expand[]=data.request", ["limit"] = "limit=1", ["starting_after"] = $"starting_after={ids[1]}", ["type"] = "type=payment_intent.*", ["types"] = "types[]=payment_intent.created",
        };

        foreach (var parameter in SpecQueryParameters())
        {
            Assert.True(samples.TryGetValue(parameter, out var query), $"The spec has a parameter '{parameter}' this test has no sample for.");
            using var response = await emulator.Client.GetAsync($"/v1/events?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData("foo=1", "foo", "parameter_unknown")]
    [InlineData("created[since]=1", "created", "parameter_unknown")]
    [InlineData("type=a&types[]=b", "types", null)]
    [InlineData("delivery_success=maybe", "delivery_success", null)]
    [InlineData("types[]=t0&types[]=t1&types[]=t2&types[]=t3&types[]=t4&types[]=t5&types[]=t6&types[]=t7&types[]=t8&types[]=t9&types[]=t10&types[]=t11&types[]=t12&types[]=t13&types[]=t14&types[]=t15&types[]=t16&types[]=t17&types[]=t18&types[]=t19&types[]=t20", "types", null)]
    public async Task ParametersStripeWouldRefuseAreRefused(string query, string param, string? code)
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.Client.GetAsync($"/v1/events?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await ReadAsync(response))["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(param, (string?)error["param"]);
        Assert.Equal(code, (string?)error["code"]);
    }

    private static async Task<List<string>> ListAllAsync(EmulatorHost emulator, EventListOptions options)
    {
        var ids = new List<string>();
        await foreach (var stripeEvent in emulator.StripeNet.V1.Events.ListAutoPagingAsync(options))
        {
            ids.Add(stripeEvent.Id);
        }

        return ids;
    }

    private static List<string> SpecQueryParameters()
    {
        using var spec = JsonDocument.Parse(System.IO.File.ReadAllBytes(RepoPaths.SharedReference("stripe", "spec3.2022-04-12.json")));
        return [.. spec.RootElement.GetProperty("paths").GetProperty("/v1/events").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!)];
    }
}
