using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// The instance's own limit on Stripe calls (Stripe:MaxRequestsPerSecond), in the Stripe client's HttpClient pipeline.
/// The limiter here is a one-permit ConcurrencyLimiter the test holds, so "no turn in time" needs no race with a clock.
[Collection(AppHostGroup.Name)]
public sealed class StripeRequestLimitTests
{
    [Fact]
    public async Task ACallWithNoTurnInTimeFailsAsA429WouldAndNeverReachesStripe()
    {
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        await using var host = await PaymentAppHost.StartAsync(services: s => s.AddSingleton(new StripeRequestLimit(limiter, TimeSpan.FromMilliseconds(200), TimeProvider.System)));
        using var alice = host.ClientFor("alice");
        var bookingId = await NewBookingIdAsync(alice);
        var held = limiter.AttemptAcquire();
        Assert.True(held.IsAcquired);
        var requestsBefore = host.EmulatorState.RequestCount;

        var limited = await CreateIntentAsync(alice, bookingId, "pay-1");
        var requestsWhileHeld = host.EmulatorState.RequestCount - requestsBefore;
        var booking = await TestBookings.LoadAsync(host, bookingId);
        held.Dispose();
        var retried = await CreateIntentAsync(alice, bookingId, "pay-1");

        limited.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Stripe is busy", limited.Json.GetProperty("title").GetString());
        Assert.InRange(StripeRateLimitTests.RetryAfterSeconds(limited), 1, 2);
        Assert.Equal(0, requestsWhileHeld);
        Assert.Null(booking.PaymentIntentId);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        Assert.Single(host.EmulatorState.PaymentIntents);
    }

    [Fact]
    public async Task ACallWaitingForATurnGoesAheadWhenOneFreesUpInTime()
    {
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        await using var host = await PaymentAppHost.StartAsync(services: s => s.AddSingleton(new StripeRequestLimit(limiter, TimeSpan.FromSeconds(30), TimeProvider.System)));
        using var alice = host.ClientFor("alice");
        var bookingId = await NewBookingIdAsync(alice);
        var held = limiter.AttemptAcquire();

        var pending = CreateIntentAsync(alice, bookingId);
        var queued = await TestBookings.EventuallyAsync(() => Task.FromResult(limiter.GetStatistics()!.CurrentQueuedCount), n => n == 1, "the intent call to queue for a permit");
        held.Dispose();
        var created = await pending;

        Assert.Equal(1, queued);
        Assert.Equal(HttpStatusCode.Created, created.Status);
    }

    [Fact]
    public void TheSettingBuildsASlidingWindowOfThatManyRequestsPerSecondAndZeroBuildsNone()
    {
        using var on = StripeRequestLimit.From(new StripeOptions { MaxRequestsPerSecond = 25, RateLimitWaitMilliseconds = 500 }, TimeProvider.System);
        using var off = StripeRequestLimit.From(new StripeOptions(), TimeProvider.System);

        var window = Assert.IsType<SlidingWindowRateLimiter>(on.Limiter);
        Assert.Equal(25, window.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(TimeSpan.FromMilliseconds(500), on.MaxWait);
        Assert.Null(off.Limiter);
    }

    [Theory]
    [InlineData("Stripe:MaxRequestsPerSecond", "-1")]
    [InlineData("Stripe:RateLimitWaitMilliseconds", "20000")]
    public void AnInvalidLimitFailsStartUpNamingIt(string key, string value)
    {
        var settings = Hosting.StartupConfigurationTests.ValidSettings();
        settings[key] = value;

        var error = FailedStart.Of("Production", settings);

        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(error);
        Assert.Contains(validation.Failures, f => f.Contains($"'{key} must be between", StringComparison.Ordinal));
    }
}
