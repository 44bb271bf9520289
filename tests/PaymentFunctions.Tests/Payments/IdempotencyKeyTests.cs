using System.Net;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

[Collection(AppHostGroup.Name)]
public sealed class IdempotencyKeyTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task TheSameKeyAndBodyReplayTheStoredAnswerQuotedOrBare()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice);
        var requestsBefore = host.EmulatorState.RequestCount; // this collection runs one test at a time, alone

        var first = await CreateIntentAsync(alice, bookingId, "intent-key-1");
        var bare = await CreateIntentAsync(alice, bookingId, "intent-key-1");
        var quoted = await CreateIntentAsync(alice, bookingId, "\"intent-key-1\"");
        var requestsAtStripe = host.EmulatorState.RequestCount - requestsBefore;
        var otherUser = await CreateIntentAsync(host.ClientFor(NewUser("bob")), bookingId, "intent-key-1");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.False(first.Replayed);
        foreach (var replay in new[] { bare, quoted })
        {
            Assert.Equal(HttpStatusCode.Created, replay.Status);
            Assert.True(replay.Replayed);
            Assert.Equal(first.Body, replay.Body);
            Assert.Equal(first.Response.Headers.Location, replay.Response.Headers.Location);
        }

        // The user's customer and the intent, then one read of the intent per replay: its client secret is never stored.
        Assert.Equal(4, requestsAtStripe);
        otherUser.AssertProblem(HttpStatusCode.NotFound); // keys are per user: bob's "intent-key-1" is his own, and the booking is not his
        Assert.False(otherUser.Replayed);
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBodyIs422AndChangesNothing()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var first = await CreateBookingAsync(alice, "standard", 1, "book-1");

        var other = await CreateBookingAsync(alice, "standard", 2, "book-1");
        var otherPath = await CreateIntentAsync(alice, first.Text("id"), "book-1");

        other.AssertProblem(HttpStatusCode.UnprocessableEntity);
        otherPath.AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1, await BookingsOfAsync(host, aliceId));
        Assert.Equal(2, await CountRowsAsync(host.Tables.Bookings, PaymentFunctions.Storage.KeyFilters.InPartition(first.Text("id")))); // the booking and its history row
        Assert.Empty(host.EmulatorState.IntentsFor(first.Text("id")));
    }

    [Fact]
    public async Task ARepeatWhileTheFirstRequestRunsIs409AndAfterwardsReplays()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var bookingId = await NewBookingIdAsync(alice);
        await ArmStripeFaultAsync(host, new { path = "/v1/payment_intents", method = "POST", delayMs = 2000, count = 1 });

        var slow = CreateIntentAsync(alice, bookingId, "slow-1");
        await TestBookings.EventuallyAsync(() => IdempotencyRowsAsync(host, aliceId), rows => rows == 1, "the first request's idempotency key to be stored");
        var whileRunning = await CreateIntentAsync(alice, bookingId, "slow-1");
        var finished = await slow;
        var afterwards = await CreateIntentAsync(alice, bookingId, "slow-1");

        whileRunning.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("1", whileRunning.Response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.Created, finished.Status);
        Assert.Equal(HttpStatusCode.Created, afterwards.Status);
        Assert.True(afterwards.Replayed);
        Assert.Equal(finished.Text("paymentIntentId"), afterwards.Text("paymentIntentId"));
        Assert.Single(host.EmulatorState.IntentsFor(bookingId));
    }

    [Fact]
    public async Task AKeyExpiresAfter24HoursAndThenStartsANewRequest()
    {
        // Its own host: the test moves the host's clock a day on.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await PaymentAppHost.StartAsync(clock: clock);
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);

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
        Assert.Equal(1, await IdempotencyRowsAsync(host, aliceId)); // the expired row was replaced, not duplicated
    }

    [Theory]
    [InlineData("\"unterminated")]
    [InlineData("\"\"")]
    [InlineData("two words")]
    [InlineData("\"bad\\escape\"")]
    [InlineData("a,b")]
    public async Task AMalformedKeyIs400AndRunsNothing(string key)
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);

        var answer = await CreateBookingAsync(alice, "standard", 1, key);

        answer.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), answer.Body);
        await host.Tables.EnsureCreatedAsync(default);
        Assert.Equal(0, await BookingsOfAsync(host, aliceId));
    }

    [Fact]
    public async Task AKeyOf256CharactersIs400()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));

        var tooLong = await CreateBookingAsync(alice, "standard", 1, new string('k', 256));
        var longest = await CreateBookingAsync(alice, "standard", 1, new string('k', 255));

        tooLong.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, longest.Status);
    }

    private static Task<int> BookingsOfAsync(PaymentAppHost host, string userId) =>
        CountRowsAsync(host.Tables.Bookings, $"RowKey eq '{PaymentFunctions.Storage.RowKeys.Booking}' and UserId eq '{userId}'");
}
