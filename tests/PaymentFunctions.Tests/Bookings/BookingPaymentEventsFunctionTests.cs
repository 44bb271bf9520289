using System.Net;
using System.Text.Json;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Operations.OperatorCalls;

namespace PaymentFunctions.Tests.Bookings;

/// The Service Bus-triggered function, invoked with the body and binding data the Functions host gives it, with the
/// production Service Bus publisher sending booking events through the recording ServiceBusClient double.
public sealed class BookingPaymentEventsFunctionTests(ServiceBusAppHost fixture) : IClassFixture<ServiceBusAppHost>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-5);
    private readonly PaymentAppHost _host = fixture.Host;

    [Fact]
    public async Task APaymentSucceededConfirmsTheBookingRecordsHistoryAndPublishesBookingConfirmed()
    {
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));

        var response = await FunctionsHostCalls.DeliverAsync(_host, message);

        response.AssertSucceeded();

        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        var history = BookingHistoryEntry.FromEntity(Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix)));
        Assert.Equal((BookingStatus.PENDING, BookingStatus.CONFIRMED, message.MessageId), (history.From!.Value, history.To, history.CausationId));
        var published = Assert.Single(_host.ServiceBus!.Messages(EventTypes.BookingsTopic, booking.Id));
        Assert.Equal("booking_confirmed", published.Subject);
        Assert.Equal(booking.Id, published.SessionId);
        Assert.Equal("bookticket.bookings.booking_confirmed.v1", JsonDocument.Parse(published.Body.ToMemory()).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ARedeliveredMessageIsAcknowledgedWithoutApplyingItTwice()
    {
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Failed(booking.Id, T0));

        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertSucceeded();
        // A redelivery before the first delivery's outbox row is cleaned up (off the path) sends that message again, which
        // duplicate detection drops; after it, there is nothing left to send. The second delivery waits for the clean-up.
        await TestBookings.OutboxAfterCleanupAsync(_host, booking.Id);
        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 2)).AssertSucceeded();

        Assert.Equal(BookingStatus.PAYMENT_FAILED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix));
        Assert.Single(_host.ServiceBus!.SentFor(booking.Id));
    }

    [Fact]
    public async Task ABrokerFailureFailsTheInvocationAndTheRedeliverySendsTheKeptBookingEvent()
    {
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));
        _host.ServiceBus!.FailNext(1);

        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertFailed();
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.OutboxPrefix));
        Assert.Empty(_host.ServiceBus.SentFor(booking.Id));

        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 2)).AssertSucceeded();

        var published = Assert.Single(_host.ServiceBus.Messages(EventTypes.BookingsTopic, booking.Id));
        Assert.Equal("booking_confirmed", published.Subject);
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(_host, booking.Id));
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix));
    }

    [Fact]
    public async Task AMessageIdThatIsNotTableKeySafeIsAppliedAndDeduplicatedAllTheSame()
    {
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0)) with { MessageId = "sender/chose#this?id|odd" };

        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertSucceeded();
        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 2)).AssertSucceeded();

        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(_host.ServiceBus!.Messages(EventTypes.BookingsTopic, booking.Id));
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(_host, booking.Id));
    }

    [Fact]
    public async Task NoHttpRouteReachesTheServiceBusFunction()
    {
        // The custom handler had POST /BookingPaymentEvents; a forged "payment succeeded" must have no way in.
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));

        var response = await _host.Client.PostAsync("/BookingPaymentEvents", new StringContent(message.Body));
        var prefixed = await _host.Client.PostAsync("/api/BookingPaymentEvents", new StringContent(message.Body));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, prefixed.StatusCode);
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
    }

    [Fact]
    public async Task APaymentOfAnotherAmountNeverConfirmsTheBooking()
    {
        var booking = await TestBookings.SeedAsync(_host, amount: 2500, issuedIntentId: "pi_t");
        var underpaid = PaymentEventsForTests.Succeeded(booking.Id, T0) with { Amount = 100 };

        var response = await FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(underpaid));

        Assert.IsType<InvalidOperationException>(response.AssertFailed());
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
    }

    [Fact]
    public async Task TheCancelOfAnOlderIntentDoesNotCancelABookingThatMovedOnToANewOne()
    {
        var booking = await TestBookings.SeedAsync(_host, paymentIntentId: "pi_attempt2");
        await TestBookings.IssueAsync(_host, booking.Id, "pi_attempt1", attempt: 1);
        await TestBookings.IssueAsync(_host, booking.Id, "pi_attempt2", attempt: 2);
        var oldCancel = new PaymentCanceled { Id = "evt_c1:x", OccurredAt = T0, BookingId = booking.Id, PaymentIntentId = "pi_attempt1", StripeEventId = "evt_c1", Amount = 2500, Currency = "EUR" };
        var currentCancel = oldCancel with { Id = "evt_c2:x", StripeEventId = "evt_c2", PaymentIntentId = "pi_attempt2" };

        (await FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(oldCancel))).AssertSucceeded();
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);

        (await FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(currentCancel))).AssertSucceeded();
        Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
    }

    [Fact]
    public async Task AFailureArrivingAfterTheSuccessNeverMovesTheBookingBack()
    {
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var success = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0.AddSeconds(10)));
        var staleFailure = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Failed(booking.Id, T0));

        await FunctionsHostCalls.DeliverAsync(_host, success);
        var response = await FunctionsHostCalls.DeliverAsync(_host, staleFailure);

        response.AssertSucceeded();
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(_host.ServiceBus!.Messages(EventTypes.BookingsTopic, booking.Id));
    }

    [Fact]
    public async Task ACrashAfterTheBatchFollowedByRedeliveryAppliesTheEventExactlyOnce()
    {
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, T0));
        var crashes = 0;
        _host.Faults.Rule = p => p == FaultInjection.ConsumerAfterBatch && Interlocked.Increment(ref crashes) == 1;

        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertFailed();
        Assert.Empty(_host.ServiceBus!.SentFor(booking.Id));
        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 2)).AssertSucceeded();

        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix));
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(_host, booking.Id));
        Assert.Single(_host.ServiceBus.Messages(EventTypes.BookingsTopic, booking.Id));
    }

    [Fact]
    public async Task ConcurrentEventsForOneBookingAllApplyDespiteLostRaces()
    {
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
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

        var responses = await Task.WhenAll(events.Select(e => FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(e))));

        Assert.All(responses, r => r.AssertSucceeded());
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
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var good = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(kind == "unknown booking" ? "bk_nobody" : booking.Id, T0));
        var payload = kind switch
        {
            "unknown booking" => good.Body,
            "unknown version" => good.Body.Replace("payment_succeeded.v1", "payment_succeeded.v2", StringComparison.Ordinal),
            _ => body,
        };

        var response = await FunctionsHostCalls.DeliverRawAsync(_host, payload, "msg-" + kind.Replace(' ', '-'));

        response.AssertFailed();
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Empty(_host.ServiceBus!.SentFor(booking.Id));
        Assert.Empty(_host.ServiceBus.SentFor("bk_nobody"));
    }

    [Fact]
    public async Task ADeadLetteredMessageIsListedFromTheSubQueueAndRequeuedBySequenceNumberThenAppliedOnce()
    {
        // Its booking is missing, so every delivery fails; after the last one Service Bus moves it to the sub-queue.
        var bookingId = new BookingIds().Next();
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(bookingId, T0));
        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 10)).AssertFailed();
        var sequenceNumber = Random.Shared.NextInt64(1, long.MaxValue / 2);
        _host.ServiceBus!.DeadLetters(EventTypes.PaymentsTopic, BookingPaymentEventsFunction.Subscription).Add(message, sequenceNumber, DateTimeOffset.UtcNow.AddDays(-2));
        using var staff = _host.ClientFor("staff-" + Guid.NewGuid().ToString("N")[..8], AuthSetup.PaymentsAdminRole);

        var listed = await AllPagesAsync(staff, "/api/admin/dead-letters");
        var withoutNumber = await RequeueAsync(staff, message.MessageId);
        await TestBookings.SeedAsync(_host, id: bookingId, issuedIntentId: "pi_t");
        var requeued = await RequeueAsync(staff, message.MessageId, sequenceNumber: sequenceNumber);
        var resent = Assert.Single(_host.ServiceBus.SentFor(bookingId), m => m.MessageId == message.MessageId);
        // What the broker delivers next: the copy, then a redelivery of it.
        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertSucceeded();
        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 2)).AssertSucceeded();

        var item = Assert.Single(listed.Items, i => i.GetProperty("messageId").GetString() == message.MessageId);
        Assert.Equal((sequenceNumber, bookingId, "MaxDeliveryCountExceeded"), (item.GetProperty("sequenceNumber").GetInt64(), item.GetProperty("bookingId").GetString(), item.GetProperty("reason").GetString()));
        withoutNumber.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Accepted, requeued.Status);
        Assert.Equal((message.Subject, bookingId, message.Body), (resent.Subject, resent.SessionId, resent.Body.ToString()));
        Assert.DoesNotContain(_host.ServiceBus.DeadLetters(EventTypes.PaymentsTopic, BookingPaymentEventsFunction.Subscription).Messages, m => m.SequenceNumber == sequenceNumber);
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, bookingId)).Status);
        Assert.Single(await TestBookings.RowsAsync(_host, bookingId, RowKeys.HistoryPrefix));
    }
}
