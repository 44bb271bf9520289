using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Telemetry;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

public sealed class OutboxSweeperTests
{
    [Fact]
    public async Task MessagesACrashedProcessLeftInTheOutboxAreSentByTheSweeper()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true, clock: clock);
        var booking = await TestBookings.SeedAsync(host);
        host.Faults.Rule = p => p == FaultInjection.WebhookAfterBatch;
        Assert.Equal(HttpStatusCode.InternalServerError, (await StripeEvents.PostAsync(host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_swept", booking.Id))).StatusCode);
        Assert.Single(await TestBookings.RowsAsync(host, booking.Id, RowKeys.OutboxPrefix));
        host.Faults.Rule = null;
        // Two minutes later the rows look abandoned.
        clock.Advance(TimeSpan.FromMinutes(2));

        var sweep = await FunctionsHostCalls.FireTimerAsync(host, OutboxSweeper.Name);

        sweep.AssertSucceeded();
        Assert.Equal("payment_succeeded", Assert.Single(host.ServiceBus!.Messages(EventTypes.PaymentsTopic)).Subject);
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(host, booking.Id));
    }

    [Fact]
    public async Task AMessageTheBrokerRefusedStaysInTheOutboxShowsInItsGaugesAndHealthAndTheSweeperSendsItLater()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true, clock: clock);
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var webhooks = new MetricCollector<long>(meters, PaymentsMeter.Name, "payments.webhook.events");
        using var pending = new MetricCollector<long>(meters, PaymentsMeter.Name, "payments.outbox.pending");
        using var oldestAge = new MetricCollector<double>(meters, PaymentsMeter.Name, "payments.outbox.oldest_age");
        using var sweptItems = new MetricCollector<long>(meters, PaymentsMeter.Name, "payments.timer.items");
        var booking = await TestBookings.SeedAsync(host);
        host.ServiceBus!.FailNext(1);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_refused", booking.Id);

        var refused = await StripeEvents.PostAsync(host.Client, stripeEvent, timestamp: clock.GetUtcNow().ToUnixTimeSeconds());

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Single(await TestBookings.RowsAsync(host, booking.Id, RowKeys.OutboxPrefix));
        Assert.Equal(0, host.ServiceBus.Received);
        var failed = Assert.Single(webhooks.GetMeasurementSnapshot());
        Assert.Equal(("failed", "payment_intent.succeeded", typeof(ServiceBusException).FullName), (failed.Tags["outcome"], failed.Tags["stripe.event.type"], failed.Tags["error.type"]));

        // Past Outbox:StuckAfter (30 min): the health check reads the index again and names the outbox.
        clock.Advance(TimeSpan.FromMinutes(31));
        var stuck = await host.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stuck.StatusCode);
        Assert.Equal("application/problem+json", stuck.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await stuck.Content.ReadAsStringAsync()))
        {
            Assert.Equal("The outbox is stuck", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal("stuck", problem.RootElement.GetProperty("checks").GetProperty("outbox").GetString());
            Assert.Equal("up", problem.RootElement.GetProperty("checks").GetProperty("tableStorage").GetString());
        }

        // The gauges report what the health check read.
        pending.RecordObservableInstruments();
        oldestAge.RecordObservableInstruments();
        Assert.Equal(1, pending.LastMeasurement!.Value);
        Assert.Equal(TimeSpan.FromMinutes(31).TotalSeconds, oldestAge.LastMeasurement!.Value, precision: 3);

        (await FunctionsHostCalls.FireTimerAsync(host, OutboxSweeper.Name)).AssertSucceeded();

        Assert.Equal(1, Assert.Single(sweptItems.GetMeasurementSnapshot()).Value);
        var sent = Assert.Single(Assert.Single(host.ServiceBus.Batches).Messages);
        Assert.Equal($"{stripeEvent["id"]}:payment_intent.succeeded", sent.MessageId);
        Assert.Equal(booking.Id, sent.SessionId);
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(host, booking.Id));
        // The clean-up deletes the rows, then the entry, off the sweeper's path; each health check here reads afresh.
        await TestBookings.EventuallyAsync(
            async () =>
            {
                clock.Advance(OutboxBacklog.ReadEvery);
                return (await host.Client.GetAsync("/api/health")).StatusCode;
            },
            status => status == HttpStatusCode.OK,
            "the health check to find the outbox empty again");
        pending.RecordObservableInstruments();
        oldestAge.RecordObservableInstruments();
        Assert.Equal((0L, 0d), (pending.LastMeasurement!.Value, oldestAge.LastMeasurement!.Value));
    }

    [Fact]
    public async Task FreshOutboxRowsAreLeftToTheRequestThatIsSendingThem()
    {
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true);
        var booking = await TestBookings.SeedAsync(host);
        host.Faults.Rule = p => p == FaultInjection.WebhookAfterBatch;
        await StripeEvents.PostAsync(host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_fresh", booking.Id));

        var sweep = await FunctionsHostCalls.FireTimerAsync(host, OutboxSweeper.Name);

        sweep.AssertSucceeded();
        Assert.Equal(0, host.ServiceBus!.Received);
    }
}
