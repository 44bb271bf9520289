using System.Net;
using System.Net.Http.Json;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// The emulator's rate limits answer as Stripe's do: 429, error code rate_limit, Stripe-Rate-Limited-Reason, nothing
/// done and nothing kept under the Idempotency-Key. Time is the emulator's clock, moved by hand.
public sealed class RateLimitTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AnEndpointOverItsLimitGets429UntilTheNextSecondWhileOtherEndpointsGoOn()
    {
        var clock = new ManualTimeProvider(Start);
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);
        await SetAsync(emulator, new { endpointPerSecond = 2 });

        var first = await emulator.CreateIntentAsync();
        await emulator.CreateIntentAsync();
        using var limited = await Create(emulator, "over-the-limit");
        var read = await emulator.GetAsync($"/v1/payment_intents/{Id(first)}");
        clock.Advance(TimeSpan.FromSeconds(1));
        using var nextSecond = await Create(emulator, "over-the-limit");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var error = (await ReadAsync(limited))["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal("rate_limit", (string?)error["code"]);
        Assert.Equal("endpoint-rate", limited.Headers.GetValues("Stripe-Rate-Limited-Reason").Single());
        Assert.False(limited.Headers.Contains("Stripe-Should-Retry"));
        Assert.Null(limited.Headers.RetryAfter);
        Assert.Equal(Id(first), Id(read));
        Assert.Equal(HttpStatusCode.OK, nextSecond.StatusCode);
        Assert.False(nextSecond.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(3, emulator.State.CreateCount);
        Assert.Equal(1, (int)(await emulator.GetAsync("/_emulator/state"))["rate_limited"]!);
    }

    [Fact]
    public async Task AGlobalLimitCountsEveryEndpointAndSendsTheArmedHeaders()
    {
        var clock = new ManualTimeProvider(Start);
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);
        await SetAsync(emulator, new { globalPerSecond = 1, shouldRetry = true, retryAfterSeconds = 3 });

        await emulator.CreateIntentAsync();
        using var read = await emulator.Client.GetAsync("/v1/customers/cus_none");

        Assert.Equal(HttpStatusCode.TooManyRequests, read.StatusCode);
        Assert.Equal("global-rate", read.Headers.GetValues("Stripe-Rate-Limited-Reason").Single());
        Assert.Equal("true", read.Headers.GetValues("Stripe-Should-Retry").Single());
        Assert.Equal(TimeSpan.FromSeconds(3), read.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task LiftedLimitsLetEverythingThrough()
    {
        await using var emulator = await StartAsync();
        await SetAsync(emulator, new { globalPerSecond = 0 });
        using var limited = await Create(emulator, null);

        using var lifted = await emulator.Client.DeleteAsync("/_emulator/rate-limits");
        using var after = await Create(emulator, null);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A429FaultCarriesStripesRateLimitHeaders()
    {
        await using var emulator = await StartAsync();
        using var armed = await emulator.Client.PostAsJsonAsync("/_emulator/faults", new { path = "/v1/payment_intents", status = 429, retryAfterSeconds = 2, rateLimitedReason = "endpoint-concurrency" });
        Assert.Equal(HttpStatusCode.OK, armed.StatusCode);

        using var limited = await Create(emulator, "k");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limit", (string?)(await ReadAsync(limited))["error"]!["code"]);
        Assert.Equal("endpoint-concurrency", limited.Headers.GetValues("Stripe-Rate-Limited-Reason").Single());
        Assert.Equal(TimeSpan.FromSeconds(2), limited.Headers.RetryAfter!.Delta);
        Assert.Empty(emulator.State.PaymentIntents);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"endpointPerSecond":-1}""")]
    [InlineData("""{"globalPerSecond":5,"retryAfterSeconds":-2}""")]
    public async Task InvalidLimitsAreRefused(string json)
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.Client.PostAsync("/_emulator/rate-limits", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task SetAsync(EmulatorHost emulator, object limits)
    {
        using var response = await emulator.Client.PostAsJsonAsync("/_emulator/rate-limits", limits);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> Create(EmulatorHost emulator, string? key) =>
        emulator.PostAsync("/v1/payment_intents", key, ("amount", "700"), ("currency", "eur"));
}
