using System.Text.Json;
using Azure.Messaging.ServiceBus;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

/// The production publisher at the SDK's own boundary: what it hands ServiceBusSender, batch by batch.
public sealed class ServiceBusTopicPublisherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryMessageOfOnePublishGoesOutInOneBatchWithEveryDocumentedProperty()
    {
        var bus = new RecordingServiceBusClient();
        await using var publisher = new ServiceBusTopicPublisher(bus);
        OutboxMessage[] outbox =
        [
            CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded("bk_a", T0)),
            CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Failed("bk_a", T0.AddSeconds(1))),
            CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Processing("bk_a", T0.AddSeconds(2))),
        ];

        await publisher.PublishAsync(EventTypes.PaymentsTopic, outbox, CancellationToken.None);

        var batch = Assert.Single(bus.Batches);
        Assert.Equal(EventTypes.PaymentsTopic, batch.Topic);
        Assert.Equal(outbox.Length, batch.Messages.Count);
        foreach (var (sent, row) in batch.Messages.Zip(outbox))
        {
            Assert.Equal(row.MessageId, sent.MessageId);
            Assert.Equal("bk_a", sent.SessionId);
            Assert.Equal("bk_a", sent.CorrelationId);
            Assert.Equal(row.Subject, sent.Subject);
            Assert.Equal("application/cloudevents+json", sent.ContentType);
            Assert.Equal(row.Type, Assert.Single(sent.ApplicationProperties, p => p.Key == "type").Value);
            Assert.Single(sent.ApplicationProperties);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(row.Body), sent.Body.ToArray());
        }

        Assert.Equal(["payment_succeeded", "payment_failed", "payment_processing"], batch.Messages.Select(m => m.Subject));
        using var cloudEvent = JsonDocument.Parse(batch.Messages[0].Body.ToMemory());
        Assert.Equal("bookticket.payments.payment_succeeded.v1", cloudEvent.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task MessagesThatDoNotFitOneBatchAreSplitInOrderAcrossSeveral()
    {
        var outbox = Enumerable.Range(0, 5).Select(i => Message($"m{i}", bodyBytes: 400)).ToArray();
        var bus = new RecordingServiceBusClient { MaxBatchBytes = 1000 };
        await using var publisher = new ServiceBusTopicPublisher(bus);

        await publisher.PublishAsync(EventTypes.BookingsTopic, outbox, CancellationToken.None);

        Assert.Equal([2, 2, 1], bus.Batches.Select(b => b.Messages.Count));
        Assert.All(bus.Batches, b => Assert.Equal(EventTypes.BookingsTopic, b.Topic));
        Assert.Equal(outbox.Select(m => m.MessageId), bus.Batches.SelectMany(b => b.Messages).Select(m => m.MessageId));
    }

    [Fact]
    public async Task AMessageTooLargeForAnEmptyBatchFailsNamingItsMessageIdAndSendsNothing()
    {
        var bus = new RecordingServiceBusClient { MaxBatchBytes = 1000 };
        await using var publisher = new ServiceBusTopicPublisher(bus);

        var error = await Assert.ThrowsAsync<ServiceBusException>(() =>
            publisher.PublishAsync(EventTypes.PaymentsTopic, [Message("huge-1", bodyBytes: 1001), Message("small-2", bodyBytes: 10)], CancellationToken.None));

        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, error.Reason);
        Assert.False(error.IsTransient);
        Assert.Equal(EventTypes.PaymentsTopic, error.EntityPath);
        Assert.Contains("Outbox message huge-1 ", error.Message, StringComparison.Ordinal);
        Assert.Empty(bus.Batches);
    }

    [Fact]
    public async Task ATooLargeMessageAfterAFullBatchFailsThePublishSoEveryRowIsKeptForTheResend()
    {
        var bus = new RecordingServiceBusClient { MaxBatchBytes = 1000 };
        await using var publisher = new ServiceBusTopicPublisher(bus);

        var error = await Assert.ThrowsAsync<ServiceBusException>(() =>
            publisher.PublishAsync(EventTypes.PaymentsTopic, [Message("fits-1", bodyBytes: 600), Message("huge-2", bodyBytes: 1200)], CancellationToken.None));

        Assert.Contains("Outbox message huge-2 ", error.Message, StringComparison.Ordinal);
        // The first batch was sent; a resend of it is dropped by the topic's duplicate detection.
        Assert.Equal(["fits-1"], Assert.Single(bus.Batches).Messages.Select(m => m.MessageId));
    }

    [Fact]
    public async Task ASendTheBrokerRefusesFailsThePublish()
    {
        var bus = new RecordingServiceBusClient();
        await using var publisher = new ServiceBusTopicPublisher(bus);
        bus.FailNext(1);

        var error = await Assert.ThrowsAsync<ServiceBusException>(() =>
            publisher.PublishAsync(EventTypes.PaymentsTopic, [Message("m1", 10)], CancellationToken.None));

        Assert.Equal(ServiceBusFailureReason.ServiceBusy, error.Reason);
        Assert.Empty(bus.Batches);
        await publisher.PublishAsync(EventTypes.PaymentsTopic, [Message("m1", 10)], CancellationToken.None);
        Assert.Equal("m1", Assert.Single(Assert.Single(bus.Batches).Messages).MessageId);
    }

    [Fact]
    public async Task OneSenderPerTopicIsCreatedKeptAndClosedWithThePublisher()
    {
        var bus = new RecordingServiceBusClient();
        var publisher = new ServiceBusTopicPublisher(bus);

        await publisher.PublishAsync(EventTypes.PaymentsTopic, [Message("p1", 10)], CancellationToken.None);
        await publisher.PublishAsync(EventTypes.PaymentsTopic, [Message("p2", 10)], CancellationToken.None);
        await publisher.PublishAsync(EventTypes.BookingsTopic, [Message("b1", 10)], CancellationToken.None);
        await publisher.PublishAsync(EventTypes.BookingsTopic, [], CancellationToken.None);
        await publisher.DisposeAsync();

        Assert.Equal([EventTypes.PaymentsTopic, EventTypes.BookingsTopic], bus.SendersCreated);
        Assert.Equal(3, bus.Batches.Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => publisher.PublishAsync(EventTypes.PaymentsTopic, [Message("p3", 10)], CancellationToken.None));
    }

    private static OutboxMessage Message(string messageId, int bodyBytes) =>
        new(EventTypes.PaymentsTopic, messageId, "bookticket.payments.payment_succeeded.v1", "payment_succeeded", "bk_size", new string('x', bodyBytes));
}
