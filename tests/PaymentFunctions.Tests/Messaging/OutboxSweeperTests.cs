using System.Net;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
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
    public async Task AMessageTheBrokerRefusedStaysInTheOutboxAndTheSweeperSendsItLater()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true, clock: clock);
        var booking = await TestBookings.SeedAsync(host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_refused", booking.Id);
        host.ServiceBus!.FailNext(1);

        Assert.Equal(HttpStatusCode.InternalServerError, (await StripeEvents.PostAsync(host.Client, stripeEvent)).StatusCode);
        Assert.Single(await TestBookings.RowsAsync(host, booking.Id, RowKeys.OutboxPrefix));
        Assert.Equal(0, host.ServiceBus.Received);
        clock.Advance(TimeSpan.FromMinutes(2));

        var sweep = await FunctionsHostCalls.FireTimerAsync(host, OutboxSweeper.Name);

        sweep.AssertSucceeded();
        var sent = Assert.Single(Assert.Single(host.ServiceBus.Batches).Messages);
        Assert.Equal($"{stripeEvent["id"]}:payment_intent.succeeded", sent.MessageId);
        Assert.Equal(booking.Id, sent.SessionId);
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(host, booking.Id));
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
