using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Webhooks;

/// The webhook's storage budget (docs/architecture.md, "Storage round trips"), pinned call by call: a read before the transaction would be a
/// round trip on every webhook, and a query on every redelivery.
public sealed class WebhookRoundTripTests : IAsyncLifetime
{
    // A host per test: each test counts every storage call its host makes, so no other test's work may share it.
    private readonly RecordRequests _storage = new();
    private PaymentAppHost _host = null!;

    public async Task InitializeAsync()
    {
        var azurite = await AzuriteServer.Shared;
        // A clock that stands still, so the retention index's minute does not turn between two webhooks of a test.
        _host = await PaymentAppHost.StartAsync(serviceBus: true, clock: new FakeTimeProvider(DateTimeOffset.UtcNow), services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, _storage.Options())));
        // The first webhook of a process also creates the tables.
        var warmUp = await TestBookings.SeedAsync(_host);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_warm", warmUp.Id))).StatusCode);
        // Its outbox row's delete runs in the background: done before any test starts counting.
        await TestBookings.OutboxAfterCleanupAsync(_host, warmUp.Id);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ANewWebhookIsItsRetentionEntryOneTransactionAndTheOutboxCleanUpAndARedeliveryIsOneTransaction()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_budget", booking.Id);
        var second = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_budget", booking.Id);

        _storage.Clear();
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, stripeEvent)).StatusCode);
        // The outbox row is deleted off the request path by OutboxCleanup, one batched transaction per partition.
        var first = await TestBookings.EventuallyAsync(() => Task.FromResult(_storage.Calls), calls => calls.Count >= 3, "the webhook's retention entry, its transaction and the outbox clean-up");
        _storage.Clear();
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, stripeEvent)).StatusCode);
        var redelivery = _storage.Calls;
        _storage.Clear();
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, second)).StatusCode);
        var sameBookingSameMinute = await TestBookings.EventuallyAsync(() => Task.FromResult(_storage.Calls), calls => calls.Count >= 2, "the second event's transaction and clean-up");

        // The booking's retention entry (the upsert, as a batch: it is group-committed) before the transaction.
        Assert.Equal(["POST $batch", "POST $batch", "POST $batch"], first);
        Assert.Equal(["POST $batch"], redelivery);
        // Filed once per booking and minute in this process: the next event of the booking costs what it did before.
        Assert.Equal(["POST $batch", "POST $batch"], sameBookingSameMinute);
        Assert.Equal(2, _host.ServiceBus!.Messages(EventTypes.PaymentsTopic).Count(m => m.CorrelationId == booking.Id));
    }

    [Fact]
    public async Task AnEventNamingABookingThatDoesNotExistCostsTheTransactionAndTheRecordEachWithItsRetentionEntry()
    {
        var missing = new BookingIds().Next();

        _storage.Clear();
        var response = await StripeEvents.PostAsync(_host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_other", missing));

        Assert.Contains("\"unmatched\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["POST $batch", "POST $batch", "POST $batch", "PUT entity"], _storage.Calls);
        Assert.DoesNotContain(_host.ServiceBus!.Messages(EventTypes.PaymentsTopic), m => m.CorrelationId == missing);
    }
}
