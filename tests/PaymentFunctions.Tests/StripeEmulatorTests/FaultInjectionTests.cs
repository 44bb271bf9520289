using System.Net;
using System.Net.Http.Json;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task AnAfterCommitFaultAppliesTheOperationLosesTheAnswerAndTheRetryReplaysIt()
    {
        await using var emulator = await StartAsync();
        await ArmAsync(emulator, new { path = "/v1/payment_intents", status = 503, count = 1, afterCommit = true });

        using var lost = await emulator.PostAsync("/v1/payment_intents", "booking-7-attempt-1", ("amount", "700"), ("currency", "eur"));
        var stored = Assert.Single(emulator.State.PaymentIntents);
        using var retry = await emulator.PostAsync("/v1/payment_intents", "booking-7-attempt-1", ("amount", "700"), ("currency", "eur"));
        var replayed = await ReadAsync(retry);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.Equal("api_error", (string?)(await ReadAsync(lost))["error"]!["type"]);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(Id(stored), Id(replayed));
        Assert.Equal(1, emulator.State.CreateCount);
    }

    [Fact]
    public async Task AFaultBeforeCommitChangesNothingAndFailsOnlyTheNextCountCalls()
    {
        await using var emulator = await StartAsync();
        await ArmAsync(emulator, new { path = "/v1/payment_intents", status = 500, count = 2, shouldRetry = true });

        using var first = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "700"), ("currency", "eur"));
        using var second = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "700"), ("currency", "eur"));
        Assert.Empty(emulator.State.PaymentIntents);
        using var third = await emulator.PostAsync("/v1/payment_intents", "k", ("amount", "700"), ("currency", "eur"));

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal("true", first.Headers.GetValues("Stripe-Should-Retry").Single());
        Assert.Equal(HttpStatusCode.InternalServerError, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.False(third.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, emulator.State.CreateCount);
        Assert.Equal(0, (int)(await emulator.GetAsync("/_emulator/state"))["faults_pending"]!);
    }

    [Fact]
    public async Task AFaultOnlyHitsPathsUnderItsPath()
    {
        await using var emulator = await StartAsync();
        await ArmAsync(emulator, new { path = "/v1/refunds", status = 502 });

        using var other = await emulator.PostAsync("/v1/payment_intents", null, ("amount", "700"), ("currency", "eur"));

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(1, (int)(await emulator.GetAsync("/_emulator/state"))["faults_pending"]!);
    }

    [Fact]
    public async Task AnInvalidFaultIsRejected()
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.Client.PostAsJsonAsync("/_emulator/faults", new { path = "/v1/refunds", status = 200 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task ArmAsync(EmulatorHost emulator, object fault)
    {
        using var response = await emulator.Client.PostAsJsonAsync("/_emulator/faults", fault);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
