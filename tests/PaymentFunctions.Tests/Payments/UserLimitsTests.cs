using System.Net;
using Azure.Data.Tables;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// Issue 20, item 2: per-user limits that hold across instances. Two app instances share one storage account (their
/// own host each, by necessity: that is the point), and each test uses its own user.
public sealed class UserLimitsTests(UserLimitsTests.TwoInstances fixture) : IClassFixture<UserLimitsTests.TwoInstances>
{
    private const int MaxOpen = 3;
    private const int MaxCalls = 4;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task ConcurrentBookingsOnTwoInstancesStopAtTheLimitAndACancelledOneFreesItsPlace()
    {
        var user = NewUser("alice");
        using var onA = fixture.A.ClientFor(user);
        using var onB = fixture.B.ClientFor(user);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => CreateBookingAsync(i % 2 == 0 ? onA : onB)));

        var created = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Text("id")).ToList();
        Assert.Equal(MaxOpen, created.Count);
        foreach (var refused in answers.Where(a => a.Status != HttpStatusCode.Created))
        {
            refused.AssertProblem(HttpStatusCode.Conflict);
            Assert.Equal("Bookings:MaxOpenBookingsPerUser", refused.Json.GetProperty("setting").GetString());
            Assert.Equal(MaxOpen, refused.Json.GetProperty("limit").GetInt32());
        }

        Assert.Equal(created.Order(), (await BookingsOfAsync(user)).Order());

        // An unpaid booking cancelled on one instance frees its place for a booking made on the other.
        Assert.Equal(HttpStatusCode.OK, (await Refunds.RefundCalls.CancelAsync(onA, created[0])).Status);
        var next = await CreateBookingAsync(onB);
        var over = await CreateBookingAsync(onA);

        Assert.Equal(HttpStatusCode.Created, next.Status);
        over.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(MaxOpen + 1, (await BookingsOfAsync(user)).Count);
    }

    [Fact]
    public async Task IntentCallsOnTwoInstancesShareOneBudgetAndTheRefusedOnesReachNeitherStripeNorStorage()
    {
        var user = NewUser("bob");
        using var onA = fixture.A.ClientFor(user);
        using var onB = fixture.B.ClientFor(user);
        var bookingOnA = await NewBookingIdAsync(onA);
        var bookingOnB = await NewBookingIdAsync(onB);

        // Two calls on each instance: each saw only two of its own, yet the fifth and sixth are refused on both.
        Assert.Equal(HttpStatusCode.Created, (await CreateIntentAsync(onA, bookingOnA)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CreateIntentAsync(onA, bookingOnA)).Status);
        Assert.Equal(HttpStatusCode.Created, (await CreateIntentAsync(onB, bookingOnB)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CreateIntentAsync(onB, bookingOnB)).Status);
        var refusedOnA = await CreateIntentAsync(onA, bookingOnA);
        var refusedOnB = await CreateIntentAsync(onB, bookingOnB);

        foreach (var refused in new[] { refusedOnA, refusedOnB })
        {
            refused.AssertProblem(HttpStatusCode.TooManyRequests);
            Assert.Equal("Payments:MaxIntentCallsPerUser", refused.Json.GetProperty("setting").GetString());
            var retryAfter = int.Parse(Assert.Single(refused.Response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, (int)Window.TotalSeconds);
        }

        Assert.Single(fixture.A.EmulatorState.IntentsFor(bookingOnA));
        Assert.Single(fixture.A.EmulatorState.IntentsFor(bookingOnB));
        Assert.Equal(MaxCalls, await CountRowsAsync(fixture.A.Tables.Lookups, KeyFilters.InPartition(RowKeys.IntentCallsPartition(user))));

        // Another user is not held back by this one.
        using var carol = fixture.B.ClientFor(NewUser("carol"));
        Assert.Equal(HttpStatusCode.Created, (await CreateIntentAsync(carol, await NewBookingIdAsync(carol))).Status);
    }

    [Fact]
    public async Task CheckoutSessionCallsSpendTheSameBudgetAsIntentCalls()
    {
        var user = NewUser("dave");
        using var onA = fixture.A.ClientFor(user);
        using var onB = fixture.B.ClientFor(user);
        var forCheckout = await NewBookingIdAsync(onA);
        var forIntent = await NewBookingIdAsync(onB);
        var refusedBooking = await NewBookingIdAsync(onA);

        Assert.Equal(HttpStatusCode.Created, (await CreateCheckoutSessionAsync(onA, forCheckout)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CreateCheckoutSessionAsync(onB, forCheckout)).Status);
        Assert.Equal(HttpStatusCode.Created, (await CreateIntentAsync(onB, forIntent)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CreateIntentAsync(onA, forIntent)).Status);
        var refused = await CreateCheckoutSessionAsync(onB, refusedBooking);

        refused.AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("Payments:MaxIntentCallsPerUser", refused.Json.GetProperty("setting").GetString());
        Assert.True(refused.Response.Headers.Contains("Retry-After"));
        Assert.Empty(fixture.A.EmulatorState.CheckoutSessionsFor(refusedBooking));
        Assert.Single(fixture.A.EmulatorState.CheckoutSessionsFor(forCheckout));
    }

    private async Task<List<string>> BookingsOfAsync(string user)
    {
        var ids = new List<string>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {RowKeys.Booking} and UserId eq {user}");
        await foreach (var row in fixture.A.Tables.Bookings.QueryAsync<TableEntity>(filter, select: ["PartitionKey"]))
        {
            ids.Add(row.PartitionKey);
        }

        return ids;
    }

    public sealed class TwoInstances : IAsyncLifetime
    {
        public PaymentAppHost A { get; private set; } = null!;

        public PaymentAppHost B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var settings = new Dictionary<string, string?>
            {
                ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
                ["Bookings:MaxOpenBookingsPerUser"] = MaxOpen.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Payments:MaxIntentCallsPerUser"] = MaxCalls.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Payments:IntentCallWindow"] = Window.ToString(),
            };
            A = await PaymentAppHost.StartAsync(settings: settings);
            // One Stripe account for both, as in production: the user's Stripe customer is shared through storage.
            B = await PaymentAppHost.StartAsync(settings: new Dictionary<string, string?>(settings) { ["Stripe:ApiBase"] = A.EmulatorUri.ToString() });
        }

        public async Task DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }
}
