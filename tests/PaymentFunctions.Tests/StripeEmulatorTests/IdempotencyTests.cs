using System.Net;
using System.Net.Http.Json;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class IdempotencyTests
{
    [Fact]
    public async Task ARetryWithTheSameKeyAndParametersReplaysTheFirstAnswerWithoutANewObject()
    {
        await using var emulator = await StartAsync();

        using var first = await emulator.PostAsync("/v1/payment_intents", "booking-1-attempt-1", ("amount", "2500"), ("currency", "eur"), ("metadata[booking_id]", "1"));
        using var replay = await emulator.PostAsync("/v1/payment_intents", "booking-1-attempt-1", ("metadata[booking_id]", "1"), ("currency", "eur"), ("amount", "2500"));

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.Headers.GetValues("Request-Id").Single(), replay.Headers.GetValues("Original-Request").Single());
        Assert.Equal(1, emulator.State.CreateCount);
        Assert.Single(emulator.State.Events);
    }

    [Fact]
    public async Task AReplayedErrorKeepsItsStatusAndAddsNoEvent()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();
        var path = $"/v1/payment_intents/{Id(intent)}/confirm";

        using var declined = await emulator.PostAsync(path, "confirm-1", ("payment_method", "pm_card_chargeDeclined"));
        var events = emulator.State.Events.Count;
        using var replay = await emulator.PostAsync(path, "confirm-1", ("payment_method", "pm_card_chargeDeclined"));

        Assert.Equal(HttpStatusCode.PaymentRequired, replay.StatusCode);
        Assert.Equal(await declined.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(events, emulator.State.Events.Count);
    }

    [Fact]
    public async Task TheSameKeyWithDifferentParametersIsAnIdempotencyError()
    {
        await using var emulator = await StartAsync();

        using var first = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "2500"), ("currency", "eur"));
        using var different = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "2600"), ("currency", "eur"));
        var error = (await ReadAsync(different))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, different.StatusCode);
        Assert.Equal("idempotency_error", (string?)error["type"]);
        Assert.Equal(1, emulator.State.CreateCount);
    }

    [Fact]
    public async Task AFailedValidationIsNotSavedSoTheKeyCanBeUsedForTheCorrectedRequest()
    {
        await using var emulator = await StartAsync();

        using var invalid = await emulator.PostAsync("/v1/payment_intents", "k", ("currency", "eur"));
        using var corrected = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "100"), ("currency", "eur"));

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.False(corrected.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task ARequestWhileTheFirstWithTheSameKeyIsRunningGetsIdempotencyKeyInUse()
    {
        await using var emulator = await StartAsync();
        using var arm = await emulator.Client.PostAsJsonAsync("/_emulator/faults", new { path = "/v1/payment_intents", delayMs = 1500 });
        Assert.Equal(HttpStatusCode.OK, arm.StatusCode);

        var slow = emulator.PostAsync("/v1/payment_intents", "k", ("amount", "100"), ("currency", "eur"));
        await WaitUntilAsync(async () => (int)(await emulator.GetAsync("/_emulator/state"))["idempotency_keys_in_flight"]! == 1, "one idempotency key in flight at the emulator");
        using var concurrent = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "100"), ("currency", "eur"));
        using var first = await slow;
        using var after = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "100"), ("currency", "eur"));

        Assert.Equal(HttpStatusCode.Conflict, concurrent.StatusCode);
        Assert.Equal("idempotency_key_in_use", (string?)(await ReadAsync(concurrent))["error"]!["code"]);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("true", after.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, emulator.State.CreateCount);
    }

    [Fact]
    public async Task AKeyOlderThan24HoursIsForgottenAndRunsAgain()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);

        using var first = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "100"), ("currency", "eur"));
        clock.Advance(TimeSpan.FromHours(23));
        using var within = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "100"), ("currency", "eur"));
        clock.Advance(TimeSpan.FromHours(1));
        using var after = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "100"), ("currency", "eur"));

        Assert.True(within.Headers.Contains("Idempotent-Replayed"));
        Assert.False(after.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, emulator.State.CreateCount);
    }

    internal static Task WaitUntilAsync(Func<Task<bool>> condition, string waitingFor) =>
        TestBookings.EventuallyAsync(condition, holds => holds, waitingFor);
}
