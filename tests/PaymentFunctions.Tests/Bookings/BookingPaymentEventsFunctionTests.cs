using System.Net;
using System.Text.Json;
using PaymentFunctions.Bookings;
using PaymentFunctions.Hosting;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments.Events;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Bookings;

/// The Service Bus-triggered function, called exactly as the Functions host calls a custom handler, with the
/// production Service Bus publisher sending booking events through the recording ServiceBusClient double.
public sealed class BookingPaymentEventsFunctionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-5);
    private PaymentAppHost _host = null!;

    public async Task InitializeAsync() => _host = await PaymentAppHost.StartAsync(serviceBus: true);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task APaymentSucceededConfirmsTheBookingRecordsHistoryAndPublishesBookingConfirmed()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));

        var response = await FunctionsHostCalls.DeliverAsync(_host.Client, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal(JsonValueKind.Object, answer.RootElement.GetProperty("Outputs").ValueKind);
            Assert.Equal(JsonValueKind.Array, answer.RootElement.GetProperty("Logs").ValueKind);
            Assert.Equal(JsonValueKind.Null, answer.RootElement.GetProperty("ReturnValue").ValueKind);
        }

        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        var history = BookingHistoryEntry.FromEntity(Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix)));
        Assert.Equal((BookingStatus.PENDING, BookingStatus.CONFIRMED, message.MessageId), (history.From!.Value, history.To, history.CausationId));
        var published = Assert.Single(_host.ServiceBus!.Messages(EventTypes.BookingsTopic));
        Assert.Equal("booking_confirmed", published.Subject);
        Assert.Equal(booking.Id, published.SessionId);
        Assert.Equal("bookticket.bookings.booking_confirmed.v1", JsonDocument.Parse(published.Body.ToMemory()).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ARedeliveredMessageIsAcknowledgedWithoutApplyingItTwice()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Failed(booking.Id, T0));

        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, message)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, message, deliveryCount: 2)).StatusCode);

        Assert.Equal(BookingStatus.PAYMENT_FAILED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix));
        Assert.Equal(1, _host.ServiceBus!.Received);
    }

    [Fact]
    public async Task ABrokerFailureFailsTheInvocationAndTheRedeliverySendsTheKeptBookingEvent()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));
        _host.ServiceBus!.FailNext(1);

        Assert.Equal(HttpStatusCode.InternalServerError, (await FunctionsHostCalls.DeliverAsync(_host.Client, message)).StatusCode);
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.OutboxPrefix));
        Assert.Equal(0, _host.ServiceBus.Received);

        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, message, deliveryCount: 2)).StatusCode);

        var published = Assert.Single(_host.ServiceBus.Messages(EventTypes.BookingsTopic));
        Assert.Equal("booking_confirmed", published.Subject);
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.OutboxPrefix));
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix));
    }

    [Fact]
    public async Task AMessageIdThatIsNotTableKeySafeIsAppliedAndDeduplicatedAllTheSame()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0)) with { MessageId = "sender/chose#this?id|odd" };

        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, message)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, message, deliveryCount: 2)).StatusCode);

        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(_host.ServiceBus!.Messages(EventTypes.BookingsTopic));
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.OutboxPrefix));
    }

    [Fact]
    public async Task AnInvocationRelayedByAProxyOnThisMachineIsRefused()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));
        _host.Client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        var response = await FunctionsHostCalls.DeliverAsync(_host.Client, message);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
    }

    [Fact]
    public async Task APaymentOfAnotherAmountNeverConfirmsTheBooking()
    {
        var booking = await TestBookings.SeedAsync(_host, amount: 2500);
        var underpaid = PaymentEventsForTests.Succeeded(booking.Id, T0) with { Amount = 100 };

        var response = await FunctionsHostCalls.DeliverAsync(_host.Client, CloudEventEnvelope.ToOutboxMessage(underpaid));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
    }

    [Fact]
    public async Task TheCancelOfAnOlderIntentDoesNotCancelABookingThatMovedOnToANewOne()
    {
        var booking = await TestBookings.SeedAsync(_host, paymentIntentId: "pi_attempt2");
        var oldCancel = new PaymentCanceled { Id = "evt_c1:x", OccurredAt = T0, BookingId = booking.Id, PaymentIntentId = "pi_attempt1", StripeEventId = "evt_c1", Amount = 2500, Currency = "EUR" };
        var currentCancel = oldCancel with { Id = "evt_c2:x", StripeEventId = "evt_c2", PaymentIntentId = "pi_attempt2" };

        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, CloudEventEnvelope.ToOutboxMessage(oldCancel))).StatusCode);
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);

        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, CloudEventEnvelope.ToOutboxMessage(currentCancel))).StatusCode);
        Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
    }

    [Fact]
    public async Task AFailureArrivingAfterTheSuccessNeverMovesTheBookingBack()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var success = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0.AddSeconds(10)));
        var staleFailure = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Failed(booking.Id, T0));

        await FunctionsHostCalls.DeliverAsync(_host.Client, success);
        var response = await FunctionsHostCalls.DeliverAsync(_host.Client, staleFailure);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(_host.ServiceBus!.Messages(EventTypes.BookingsTopic));
    }

    [Fact]
    public async Task ACrashAfterTheBatchFollowedByRedeliveryAppliesTheEventExactlyOnce()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));
        var crashes = 0;
        _host.Faults.Rule = p => p == FaultInjection.ConsumerAfterBatch && Interlocked.Increment(ref crashes) == 1;

        Assert.Equal(HttpStatusCode.InternalServerError, (await FunctionsHostCalls.DeliverAsync(_host.Client, message)).StatusCode);
        Assert.Equal(0, _host.ServiceBus!.Received);
        Assert.Equal(HttpStatusCode.OK, (await FunctionsHostCalls.DeliverAsync(_host.Client, message, deliveryCount: 2)).StatusCode);

        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix));
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.OutboxPrefix));
        Assert.Single(_host.ServiceBus.Messages(EventTypes.BookingsTopic));
    }

    [Fact]
    public async Task ConcurrentEventsForOneBookingAllApplyDespiteLostRaces()
    {
        var booking = await TestBookings.SeedAsync(_host);
        PaymentEvent[] events =
        [
            PaymentEventsForTests.Failed(booking.Id, T0),
            PaymentEventsForTests.Failed(booking.Id, T0.AddSeconds(1)),
            PaymentEventsForTests.Succeeded(booking.Id, T0.AddSeconds(2)),
            PaymentEventsForTests.Processing(booking.Id, T0.AddSeconds(1)),
            new PaymentRefunded { Id = "r1", OccurredAt = T0.AddSeconds(3), BookingId = booking.Id, PaymentIntentId = "pi_t", StripeEventId = "evt_r1", Amount = 2500, Currency = "eur", ChargeId = "ch_1", AmountRefunded = 1000 },
            new DisputeOpened { Id = "d1", OccurredAt = T0.AddSeconds(4), BookingId = booking.Id, PaymentIntentId = "pi_t", StripeEventId = "evt_d1", Amount = 2500, Currency = "eur", DisputeId = "dp_1" },
            new DisputeClosed { Id = "d2", OccurredAt = T0.AddSeconds(5), BookingId = booking.Id, PaymentIntentId = "pi_t", StripeEventId = "evt_d2", Amount = 2500, Currency = "eur", DisputeId = "dp_1", Outcome = "won" },
        ];

        var responses = await Task.WhenAll(events.Select(e => FunctionsHostCalls.DeliverAsync(_host.Client, CloudEventEnvelope.ToOutboxMessage(e))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = await TestBookings.LoadAsync(_host, booking.Id);
        var expected = events.Aggregate(PaymentFacts.None, BookingStateMachine.Apply);
        Assert.Equal(expected, stored.Facts);
        Assert.Equal(BookingStatus.CONFIRMED, stored.Status);
        Assert.Equal(1000, stored.Facts.RefundedAmount);
    }

    public static TheoryData<string, string> Unappliable => new()
    {
        { "unknown booking", "" },
        { "not json", "this is not json" },
        { "not a cloudevent", "{\"id\":\"x\"}" },
        { "unknown version", "" },
    };

    [Theory]
    [MemberData(nameof(Unappliable))]
    public async Task AMessageThatCannotBeAppliedFailsTheInvocationSoServiceBusRetriesAndDeadLettersIt(string kind, string body)
    {
        var booking = await TestBookings.SeedAsync(_host);
        var good = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(kind == "unknown booking" ? "bk_nobody" : booking.Id, T0));
        var payload = kind switch
        {
            "unknown booking" => good.Body,
            "unknown version" => good.Body.Replace("payment_succeeded.v1", "payment_succeeded.v2", StringComparison.Ordinal),
            _ => body,
        };

        var response = await FunctionsHostCalls.DeliverRawAsync(_host.Client, payload, "msg-" + kind.Replace(' ', '-'));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Equal(0, _host.ServiceBus!.Received);
    }
}
