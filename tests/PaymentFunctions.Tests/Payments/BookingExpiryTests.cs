using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Payments;

/// The expiry timer's work follows what is due: it reads only due holds and expires them a bounded number at a time.
[Collection(AppHostGroup.Name)]
public sealed class BookingExpiryTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task ARunReadsTheHoldsThatAreDueAndNoneThatIsStillRunning()
    {
        var azurite = await AzuriteServer.Shared;
        var tables = new PaymentTables(new TableServiceClient(azurite.ConnectionString), Options.Create(new StorageOptions { TablePrefix = "hold" + Guid.NewGuid().ToString("N")[..10] }));
        await tables.EnsureCreatedAsync(CancellationToken.None);
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var due = new[] { now.AddHours(-2), now.AddSeconds(-59), now };
        foreach (var (at, i) in due.Select((at, i) => (at, i)))
        {
            await HoldIndex.AddAsync(tables, $"bk_due{i}", at, CancellationToken.None);
        }

        for (var i = 0; i < 40; i++)
        {
            await HoldIndex.AddAsync(tables, $"bk_running{i}", now.AddSeconds(1 + (i * 90)), CancellationToken.None);
        }

        var read = new List<string>();
        await foreach (var entry in HoldIndex.DueAsync(tables, now, CancellationToken.None))
        {
            read.Add(entry.RowKey);
        }

        Assert.Equal(["bk_due0", "bk_due1", "bk_due2"], read.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DueHoldsAreExpiredInParallelButNeverMoreAtOnceThanTheSettingAllows()
    {
        // Its own host: the concurrency setting and a Stripe client that holds every cancel until released.
        var gate = new CancelGate();
        await using var host = await PaymentAppHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Expiry:Concurrency"] = "3" },
            services: s => s.AddSingleton(sp => StripeSetup.CreateClient(sp.GetRequiredService<IOptions<StripeOptions>>().Value, gate)));
        using var stripe = host.StripeClientForTests();
        var bookings = new List<Booking>();
        for (var i = 0; i < 9; i++)
        {
            bookings.Add(await SeedExpiredWithIntentAsync(host, stripe));
        }

        var run = FunctionsHostCalls.FireTimerAsync(host, BookingExpiry.Name);
        await TestBookings.EventuallyAsync(() => Task.FromResult(gate.InFlight), n => n >= 3, "three cancels to reach Stripe");
        gate.Open();
        (await run).AssertSucceeded();

        Assert.Equal(3, gate.MostInFlight);
        foreach (var booking in bookings)
        {
            Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(host, booking.Id)).Status);
        }

        Assert.Equal(9, gate.Cancelled.Count);
    }

    [Fact]
    public async Task AnExpiryThatStripeRateLimitsWaitsAndCancelsInTheSameRun()
    {
        // The collection's host: the fault names this booking's intent only.
        var host = fixture.Host;
        using var stripe = host.StripeClientForTests();
        var booking = await SeedExpiredWithIntentAsync(host, stripe);
        var intentId = (await TestBookings.LoadAsync(host, booking.Id)).PaymentIntentId!;
        await SpaCalls.ArmStripeFaultAsync(host, new { path = $"/v1/payment_intents/{intentId}/cancel", method = "POST", status = 429, count = 1, shouldRetry = false });

        (await FunctionsHostCalls.FireTimerAsync(host, BookingExpiry.Name)).AssertSucceeded();

        Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(host, booking.Id)).Status);
        Assert.Equal("canceled", (string?)host.EmulatorState.FindPaymentIntent(intentId)!["status"]);
    }

    private static async Task<Booking> SeedExpiredWithIntentAsync(PaymentAppHost host, HttpClient stripe)
    {
        var booking = await TestBookings.SeedAsync(host, holdExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var intentId = await EmulatorCalls.CreateIntentAsync(stripe, booking.Id);
        await IntentIndex.RememberAsync(host.Tables, intentId, booking.Id, CancellationToken.None);
        var stored = await TestBookings.LoadAsync(host, booking.Id);
        await host.Tables.Bookings.UpdateEntityAsync((stored with { PaymentIntentId = intentId, IntentAttempt = 1 }).ToEntity(), stored.ETag, TableUpdateMode.Replace);
        return booking;
    }

    /// At the Stripe client's own boundary (its HttpClient): holds each cancel until opened, counting how many wait at once.
    private sealed class CancelGate() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _most;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MostInFlight => Volatile.Read(ref _most);

        public ConcurrentBag<string> Cancelled { get; } = [];

        public void Open() => _open.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/cancel", StringComparison.Ordinal) != true)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _most, now);
            try
            {
                await _open.Task.WaitAsync(cancellationToken);
                var response = await base.SendAsync(request, cancellationToken);
                Cancelled.Add(request.RequestUri.AbsolutePath);
                return response;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                {
                    return;
                }
            }
        }
    }
}
