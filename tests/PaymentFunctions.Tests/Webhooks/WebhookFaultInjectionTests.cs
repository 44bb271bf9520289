using System.Net;
using PaymentFunctions.Contracts;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Webhooks;

/// The process "dies" at each step of the webhook path; Stripe then redelivers, as it does for any non-2xx.
/// Whatever the step, the end is the same: the event stored once, its message published once, no outbox left.
public sealed class WebhookFaultInjectionTests(ServiceBusAppHost fixture) : IClassFixture<ServiceBusAppHost>
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Theory]
    [InlineData(FaultInjection.WebhookAfterVerify, 1)]
    [InlineData(FaultInjection.WebhookAfterBatch, 1)]
    [InlineData(FaultInjection.OutboxAfterPublish, 2)]
    public async Task ACrashAtAnyStepFollowedByRedeliveryLosesNothingAndAppliesNothingTwice(string point, int expectedArrivals)
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_crash", booking.Id);
        var crashes = 0;
        _host.Faults.Rule = p => p == point && Interlocked.Increment(ref crashes) == 1;

        var first = await StripeEvents.PostAsync(_host.Client, stripeEvent);
        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);

        var redelivery = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        await AssertStoredAndPublishedOnceAsync(booking.Id, stripeEvent["id"]!.GetValue<string>());
        // A crash after the broker accepted the message means it is sent again; duplicate detection drops it.
        Assert.Equal(expectedArrivals, _host.ServiceBus!.SentFor(booking.Id).Count);
    }

    [Fact]
    public async Task ABrokerThatKeepsFailingMakesStripeRedeliverAndTheStoredMessageIsSentThen()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_sbdown", booking.Id);
        _host.ServiceBus!.FailNext(10);

        var first = await StripeEvents.PostAsync(_host.Client, stripeEvent);
        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.OutboxPrefix));

        _host.ServiceBus.ClearFaults();
        var redelivery = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        await AssertStoredAndPublishedOnceAsync(booking.Id, stripeEvent["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ThousandDeliveriesWithRandomDuplicatesAndOrderYieldExactlyOneMessagePerEvent()
    {
        var random = new Random(20261123);
        var events = new List<System.Text.Json.Nodes.JsonObject>();
        var bookingIds = new List<string>();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        for (var i = 0; i < 100; i++)
        {
            var booking = await TestBookings.SeedAsync(_host);
            bookingIds.Add(booking.Id);
            var intentId = $"pi_load{i:D3}";
            await IntentIndex.RememberAsync(_host.Tables, intentId, booking.Id, CancellationToken.None);
            events.Add(StripeEvents.PaymentIntent("payment_intent.processing", intentId, booking.Id, created: t0));
            events.Add(StripeEvents.PaymentIntent("payment_intent.succeeded", intentId, booking.Id, created: t0.AddSeconds(1)));
            events.Add(StripeEvents.ChargeRefunded($"ch_load{i:D3}", intentId, 2500, 500, created: t0.AddSeconds(2)));
        }

        var deliveries = events.SelectMany(e => Enumerable.Repeat(e, 1 + random.Next(6))).OrderBy(_ => random.Next()).Take(1000).ToList();
        deliveries.AddRange(events.Where(e => !deliveries.Contains(e)));
        using var gate = new SemaphoreSlim(8);
        var statuses = await Task.WhenAll(deliveries.Select(async e =>
        {
            await gate.WaitAsync();
            try
            {
                return (await StripeEvents.PostAsync(_host.Client, e)).StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.True(deliveries.Count >= 1000);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var expectedIds = events.Select(e => $"{e["id"]}:{e["type"]}").Order(StringComparer.Ordinal).ToList();
        var published = _host.ServiceBus!.Messages(EventTypes.PaymentsTopic).Where(m => bookingIds.Contains(m.CorrelationId!)).Select(m => m.MessageId!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedIds, published);
        foreach (var bookingId in bookingIds)
        {
            var payment = (await TestBookings.StoredPaymentStateAsync(_host, bookingId))!;
            Assert.Equal("succeeded", payment.Status);
            Assert.Equal(500, payment.AmountRefunded);
            Assert.Equal(3, (await TestBookings.RowsAsync(_host, bookingId, "inbox|stripe|")).Count);
            Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(_host, bookingId));
        }
    }

    private async Task AssertStoredAndPublishedOnceAsync(string bookingId, string eventId)
    {
        Assert.Single(await TestBookings.RowsAsync(_host, bookingId, "inbox|stripe|"));
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(_host, bookingId));
        var payment = (await TestBookings.StoredPaymentStateAsync(_host, bookingId))!;
        Assert.Equal("succeeded", payment.Status);
        var message = Assert.Single(_host.ServiceBus!.Messages(EventTypes.PaymentsTopic, bookingId));
        Assert.Equal($"{eventId}:payment_intent.succeeded", message.MessageId);
    }
}

public sealed class WebhookStorageOutageTests
{
    [Fact]
    public async Task WhileStorageIsDownAWebhookAnswers503BeforeStripeWouldTimeOut()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true, settings: new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Stripe:WebhookTimeoutSeconds"] = "1",
        });
        var booking = await TestBookings.SeedAsync(host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_outage", booking.Id);
        azurite.Kill();

        var duringOutage = await StripeEvents.PostAsync(host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, duringOutage.StatusCode);
        Assert.Equal("application/problem+json", duringOutage.Content.Headers.ContentType?.MediaType);
        // 503 comes only from the deadline: once the pipeline's retries gave up, the answer would be a 500.
        Assert.Equal(0, host.ServiceBus!.Received);
    }
}
