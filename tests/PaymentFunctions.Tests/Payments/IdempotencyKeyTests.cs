using System.Net;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

[Collection(AppHostGroup.Name)]
public sealed class IdempotencyKeyTests
{
    [Fact]
    public async Task TheSameKeyAndBodyReplayTheStoredAnswerQuotedOrBare()
    {
        await using var host = await PaymentAppHost.StartAsync();
        using var alice = host.ClientFor("alice");
        var bookingId = await NewBookingIdAsync(alice);

        var first = await CreateIntentAsync(alice, bookingId, "intent-key-1");
        var bare = await CreateIntentAsync(alice, bookingId, "intent-key-1");
        var quoted = await CreateIntentAsync(alice, bookingId, "\"intent-key-1\"");
        var requestsAtStripe = host.EmulatorState.RequestCount;
        var otherUser = await CreateIntentAsync(host.ClientFor("bob"), bookingId, "intent-key-1");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.False(first.Replayed);
        foreach (var replay in new[] { bare, quoted })
        {
            Assert.Equal(HttpStatusCode.Created, replay.Status);
            Assert.True(replay.Replayed);
            Assert.Equal(first.Body, replay.Body);
            Assert.Equal(first.Response.Headers.Location, replay.Response.Headers.Location);
        }

        Assert.Equal(2, requestsAtStripe); // the user's customer and the intent; replays never reach Stripe
        otherUser.AssertProblem(HttpStatusCode.NotFound); // keys are per user: bob's "intent-key-1" is his own, and the booking is not his
        Assert.False(otherUser.Replayed);
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBodyIs422AndChangesNothing()
    {
        await using var host = await PaymentAppHost.StartAsync();
        using var alice = host.ClientFor("alice");
        var first = await CreateBookingAsync(alice, "standard", 1, "book-1");

        var other = await CreateBookingAsync(alice, "standard", 2, "book-1");
        var otherPath = await CreateIntentAsync(alice, first.Text("id"), "book-1");

        other.AssertProblem(HttpStatusCode.UnprocessableEntity);
        otherPath.AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(2, await CountRowsAsync(host.Tables.Bookings)); // the one booking and its history row
        Assert.Equal(0, host.EmulatorState.CreateCount);
    }

    [Fact]
    public async Task ARepeatWhileTheFirstRequestRunsIs409AndAfterwardsReplays()
    {
        await using var host = await PaymentAppHost.StartAsync();
        using var alice = host.ClientFor("alice");
        var bookingId = await NewBookingIdAsync(alice);
        await ArmStripeFaultAsync(host, new { path = "/v1/payment_intents", method = "POST", delayMs = 2000, count = 1 });

        var slow = CreateIntentAsync(alice, bookingId, "slow-1");
        await WaitUntilAsync(async () => await CountRowsAsync(host.Tables.Idempotency) == 1);
        var whileRunning = await CreateIntentAsync(alice, bookingId, "slow-1");
        var finished = await slow;
        var afterwards = await CreateIntentAsync(alice, bookingId, "slow-1");

        whileRunning.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("1", whileRunning.Response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.Created, finished.Status);
        Assert.Equal(HttpStatusCode.Created, afterwards.Status);
        Assert.True(afterwards.Replayed);
        Assert.Equal(finished.Text("paymentIntentId"), afterwards.Text("paymentIntentId"));
        Assert.Equal(1, host.EmulatorState.CreateCount);
    }

    [Fact]
    public async Task AKeyExpiresAfter24HoursAndThenStartsANewRequest()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await PaymentAppHost.StartAsync(clock: clock);
        using var alice = host.ClientFor("alice");

        var first = await CreateBookingAsync(alice, "standard", 1, "daily-key");
        clock.Advance(TimeSpan.FromHours(23.9));
        var withinADay = await CreateBookingAsync(alice, "standard", 1, "daily-key");
        clock.Advance(TimeSpan.FromHours(0.2));
        var nextDay = await CreateBookingAsync(alice, "standard", 1, "daily-key");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(withinADay.Replayed);
        Assert.Equal(first.Text("id"), withinADay.Text("id"));
        Assert.Equal(HttpStatusCode.Created, nextDay.Status);
        Assert.False(nextDay.Replayed);
        Assert.NotEqual(first.Text("id"), nextDay.Text("id"));
        Assert.Equal(1, await CountRowsAsync(host.Tables.Idempotency)); // the expired row was replaced, not duplicated
    }

    [Theory]
    [InlineData("\"unterminated")]
    [InlineData("\"\"")]
    [InlineData("two words")]
    [InlineData("\"bad\\escape\"")]
    [InlineData("a,b")]
    public async Task AMalformedKeyIs400AndRunsNothing(string key)
    {
        await using var host = await PaymentAppHost.StartAsync();
        using var alice = host.ClientFor("alice");

        var answer = await CreateBookingAsync(alice, "standard", 1, key);

        answer.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), answer.Body);
        await host.Tables.EnsureCreatedAsync(default);
        Assert.Equal(0, await CountRowsAsync(host.Tables.Bookings));
    }

    [Fact]
    public async Task AKeyOf256CharactersIs400()
    {
        await using var host = await PaymentAppHost.StartAsync();
        using var alice = host.ClientFor("alice");

        var tooLong = await CreateBookingAsync(alice, "standard", 1, new string('k', 256));
        var longest = await CreateBookingAsync(alice, "standard", 1, new string('k', 255));

        tooLong.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, longest.Status);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition) =>
        Assert.True(await TestBookings.EventuallyAsync(condition, holds => holds), "The condition did not become true within 10 s.");
}
