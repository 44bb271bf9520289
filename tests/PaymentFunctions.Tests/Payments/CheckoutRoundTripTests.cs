using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// The storage (and Stripe) budget of the Checkout paths, pinned call by call: creating a session, a session's own
/// webhook, and the webhooks of the intent Stripe made for it. The emulator sends no webhooks here: the test posts the
/// events it recorded, one at a time, so every storage call counted is that event's.
public sealed class CheckoutRoundTripTests(CheckoutRoundTripTests.QuietHost fixture) : IClassFixture<CheckoutRoundTripTests.QuietHost>
{
    private readonly PaymentAppHost _host = fixture.Host;
    private readonly RecordRequests _storage = fixture.Storage;

    [Fact]
    public async Task CreatingASessionReadsTheBookingAndTheCallLimitAndWritesOneTransactionAndAskingAgainOnlyReads()
    {
        var user = NewUser("alice");
        using var alice = _host.ClientFor(user);
        var bookingId = await NewBookingIdAsync(alice);
        Assert.Equal(HttpStatusCode.Created, (await CreateIntentAsync(alice, await NewBookingIdAsync(alice))).Status); // the user's Stripe customer exists

        _storage.Clear();
        var stripeBefore = _host.EmulatorState.RequestCount;
        Assert.Equal(HttpStatusCode.Created, (await CreateCheckoutSessionAsync(alice, bookingId)).Status);
        var created = _storage.Calls;
        var stripeCreated = _host.EmulatorState.RequestCount - stripeBefore;
        _storage.Clear();
        Assert.Equal(HttpStatusCode.OK, (await CreateCheckoutSessionAsync(alice, bookingId)).Status);
        var again = _storage.Calls;

        // The booking, the call limit (its row, then the user's recent rows), the user's customer, the booking's transaction.
        Assert.Equal(["GET entity", "POST query", "GET query", "GET entity", "POST $batch"], created);
        Assert.Equal(1, stripeCreated);
        Assert.Equal(["GET entity", "POST query", "GET query"], again);
    }

    [Fact]
    public async Task ASessionsWebhookIsOneTransactionAndItsIntentsFirstWebhookAsksStripeOnceForTheSession()
    {
        using var bob = _host.ClientFor(NewUser("bob"));
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(bob);
        var session = await CreateCheckoutSessionAsync(bob, bookingId);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.PayAsync(session.Text("url"), "pm_card_visa")).Response.StatusCode);
        var events = _host.EmulatorState.Events.Where(e => (string?)e["data"]!["object"]!["id"] == session.Text("sessionId") || (string?)e["data"]!["object"]!["metadata"]?["bookingId"] == bookingId).ToList();
        var succeeded = events.Single(e => (string?)e["type"] == "payment_intent.succeeded");
        var completed = events.Single(e => (string?)e["type"] == "checkout.session.completed");

        var (intentFirst, stripeFirst) = await PostCountingAsync(succeeded, bookingId);
        var (sessionOwn, stripeSession) = await PostCountingAsync(completed, bookingId);
        var (intentAgain, stripeAgain) = await PostCountingAsync(succeeded, bookingId);

        // The intent index misses, Stripe names the session, the index remembers it; then, as for any webhook, the
        // booking's retention entry (its first event this minute), the transaction and the outbox row's batched delete.
        Assert.Equal(["GET entity", "PUT entity", "POST $batch", "POST $batch", "POST $batch"], intentFirst);
        Assert.Equal(1, stripeFirst);
        Assert.Equal(["POST $batch", "POST $batch"], sessionOwn);
        Assert.Equal(0, stripeSession);
        Assert.Equal(["GET entity", "POST $batch"], intentAgain);
        Assert.Equal(0, stripeAgain);
    }

    /// Posts one event signed as Stripe signs it and waits for its outbox row's clean-up: its storage calls and the
    /// Stripe requests it made.
    private async Task<(IReadOnlyList<string> Calls, int StripeRequests)> PostCountingAsync(JsonObject stripeEvent, string bookingId)
    {
        _storage.Clear();
        var stripeBefore = _host.EmulatorState.RequestCount;
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, stripeEvent)).StatusCode);
        // Waited for through a client of the test's own, so that its reads are not counted.
        var bookings = new TableServiceClient((await AzuriteServer.Shared).ConnectionString).GetTableClient(_host.Tables.Bookings.Name);
        await TestBookings.EventuallyAsync(() => CountRowsAsync(bookings, PaymentFunctions.Storage.KeyFilters.InPartitionStartingWith(bookingId, PaymentFunctions.Storage.RowKeys.OutboxPrefix)), n => n == 0, "the outbox row's clean-up");
        return (_storage.Calls, _host.EmulatorState.RequestCount - stripeBefore);
    }

    /// One host for the class, with every storage call recorded, no webhooks from the emulator, and the app's clock still.
    public sealed class QuietHost : IAsyncLifetime
    {
        public RecordRequests Storage { get; } = new();

        public PaymentAppHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var azurite = await AzuriteServer.Shared;
            // A clock that stands still, so the retention index's minute does not turn between two webhooks of a test.
            Host = await PaymentAppHost.StartAsync(serviceBus: true, deliverWebhooks: false, clock: new FakeTimeProvider(DateTimeOffset.UtcNow), services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, Storage.Options())));
            await Host.Tables.EnsureCreatedAsync(CancellationToken.None);
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
