using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Bookings;

/// The booking consumer's storage budget (docs/architecture.md, "Storage round trips"), call by call, through the
/// Service Bus-triggered function as the host invokes it: at most 3 round trips on a message's path (2 once its booking's
/// inbox rows are filed for retention in this minute).
public sealed class ConsumerRoundTripTests : IAsyncLifetime
{
    // Its own host: the test counts every storage call the host makes, so no other test's work may share it.
    private readonly RecordRequests _storage = new();
    private PaymentAppHost _host = null!;

    public async Task InitializeAsync()
    {
        var azurite = await AzuriteServer.Shared;
        _host = await PaymentAppHost.StartAsync(serviceBus: true, deliverWebhooks: false, services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, _storage.Options())));
        await _host.Tables.EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AMessageCostsAPointReadAndTheTransactionAndItsRedeliveryOneQuery()
    {
        // Paid with its current intent (on the booking row): the intent check reads nothing more.
        var booking = await TestBookings.SeedAsync(_host, paymentIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, DateTimeOffset.UtcNow));

        _storage.Clear();
        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertSucceeded();
        var onPath = _storage.Calls;
        // The booking event's outbox row is deleted off the path, batched by OutboxCleanup.
        var all = await TestBookings.EventuallyAsync(() => Task.FromResult(_storage.Calls), calls => calls.Count >= 4, "the consumer's calls and the outbox clean-up");
        _storage.Clear();
        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 2)).AssertSucceeded();
        var redelivery = _storage.Calls;

        // The path's own calls come first: the read, the retention entry of the inbox row (group-committed, so a batch),
        // the transaction; the clean-up's delete may land before the invocation is answered.
        Assert.Equal(["GET entity", "POST $batch", "POST $batch"], onPath.Take(3));
        Assert.Equal(["GET entity", "POST $batch", "POST $batch", "POST $batch"], all);
        // Booking, inbox row and outbox rows in one query: the inbox row says "applied", nothing is left to send.
        Assert.Equal(["GET query"], redelivery);
        Assert.Single(_host.ServiceBus!.SentFor(booking.Id));
        Assert.Equal(EventTypes.BookingsTopic, Assert.Single(_host.ServiceBus.Batches, b => b.Messages.Any(m => m.CorrelationId == booking.Id)).Topic);
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
    }

    [Fact]
    public async Task AnIntentTheBookingNeverIssuedCostsTheIntentRowsTheRecordAndASecondRead()
    {
        var booking = await TestBookings.SeedAsync(_host, paymentIntentId: "pi_own");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, DateTimeOffset.UtcNow) with { PaymentIntentId = "pi_someone_elses" });

        _storage.Clear();
        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertSucceeded();

        // Booking; its intent rows; the record (before the commit); booking again; the inbox row's retention entry; the
        // transaction (inbox row only).
        Assert.Equal(["GET entity", "GET query", "PUT entity", "GET entity", "POST $batch", "POST $batch"], _storage.Calls);
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Empty(_host.ServiceBus!.SentFor(booking.Id));
    }
}
