using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Tests.StripeEmulatorTests;
using Stripe;

namespace PaymentFunctions.Tests.StripeNet;

/// The backoff primitive for background work, through Stripe.net against the emulator's 429s. The waits go through a
/// TimeProvider that records each one and lets it pass at once, so the test sees every delay without sleeping through it.
public sealed class StripeBackoffTests
{
    private static readonly PaymentIntentCreateOptions Intent = new() { Amount = 700, Currency = "eur" };

    [Fact]
    public async Task ABackgroundCallWaitsOutRateLimitsWithGrowingJitteredDelaysThenGoesOn()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await ArmAsync(emulator, new { path = "/v1/payment_intents", status = 429, count = 2 });
        var time = new InstantDelays();

        var intent = await Backoff(time).RunAsync(ct => emulator.StripeNet.V1.PaymentIntents.CreateAsync(Intent, new RequestOptions { IdempotencyKey = "background-1" }, ct), default);

        Assert.StartsWith("pi_", intent.Id, StringComparison.Ordinal);
        Assert.Equal(2, time.Delays.Count);
        Assert.InRange(time.Delays.First(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(time.Delays.Last(), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        Assert.Single(emulator.State.PaymentIntents);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheBackoffIsWaitedInFull()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await ArmAsync(emulator, new { path = "/v1/payment_intents", status = 429, retryAfterSeconds = 9 });
        var time = new InstantDelays();

        await Backoff(time).RunAsync(ct => emulator.StripeNet.V1.PaymentIntents.CreateAsync(Intent, cancellationToken: ct), default);

        Assert.Equal([TimeSpan.FromSeconds(9)], time.Delays);
    }

    [Fact]
    public async Task AfterTheLastAttemptTheRateLimitIsThrownAndOtherFailuresAreNeverRetried()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await ArmAsync(emulator, new { path = "/v1/payment_intents", status = 429, count = 10 });
        await ArmAsync(emulator, new { path = "/v1/refunds", status = 400 });
        var time = new InstantDelays();
        var backoff = Backoff(time);

        var limited = await Assert.ThrowsAsync<StripeException>(() => backoff.RunAsync(ct => emulator.StripeNet.V1.PaymentIntents.CreateAsync(Intent, cancellationToken: ct), default, maxAttempts: 3));
        var delaysWhileLimited = time.Delays.Count;
        var refused = await Assert.ThrowsAsync<StripeException>(() => backoff.RunAsync(ct => emulator.StripeNet.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = "pi_x" }, cancellationToken: ct), default));

        Assert.Equal(429, (int)limited.HttpStatusCode);
        Assert.Equal("rate_limit", limited.StripeError.Code);
        Assert.Equal(2, delaysWhileLimited);
        Assert.Equal(7, (int)(await emulator.GetAsync("/_emulator/state"))["faults_pending"]!);
        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal(2, time.Delays.Count);
    }

    private static StripeBackoff Backoff(TimeProvider time) => new(time, NullLogger<StripeBackoff>.Instance);

    private static async Task ArmAsync(EmulatorHost emulator, object fault)
    {
        using var response = await emulator.Client.PostAsJsonAsync("/_emulator/faults", fault);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// Records every delay asked of it and ends it at once.
    private sealed class InstantDelays : TimeProvider
    {
        public ConcurrentQueue<TimeSpan> Delays { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Delays.Enqueue(dueTime);
            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }
}
