using PaymentFunctions.Clients.ServiceBus;
using PaymentFunctions.Tests.Fakes;
using static PaymentFunctions.Tests.Clients.ServiceBus.ServiceBusTestSenders;

namespace PaymentFunctions.Tests.Clients.ServiceBus;

public sealed class ServiceBusSenderTests
{
    private static readonly DateTimeOffset Scheduled = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task SendAsync_StoresTheBodyAndEveryPropertyAsTheRestApiCarriesThem()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var sender = Sender(fake, "payments");

        await sender.SendAsync(FullyDescribedMessage("m-1", """{"type":"payment_succeeded"}"""));

        var received = Assert.Single(fake.Messages("payments"));
        Assert.False(received.FromBatch);
        Assert.Equal("application/cloudevents+json", received.ContentType);
        AssertFullyDescribed(received, "m-1", """{"type":"payment_succeeded"}""");
    }

    [Fact]
    public async Task SendBatchAsync_StoresEveryMessageWithItsPropertiesInOneRequest()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var sender = Sender(fake, "payments");
        byte[] binary = [0xFF, 0x00, 0xC3, 0x28];

        await sender.SendBatchAsync(
        [
            FullyDescribedMessage("b-1", "first"),
            FullyDescribedMessage("b-2", "second with \"quotes\" and ünïcode"),
            new ServiceBusMessage(new BinaryData(binary)) { MessageId = "b-3" },
        ]);

        Assert.Equal(1, fake.AcceptedRequests);
        var received = fake.Messages("payments");
        Assert.Equal(["b-1", "b-2", "b-3"], received.Select(m => m.MessageId));
        Assert.All(received, m => Assert.True(m.FromBatch));
        AssertFullyDescribed(received[0], "b-1", "first");
        AssertFullyDescribed(received[1], "b-2", "second with \"quotes\" and ünïcode");
        Assert.Equal(binary, received[2].Body);
        Assert.Empty(received[2].UserProperties);
        // The batch format has no per-message content type (documented on ServiceBusMessage.ContentType).
        Assert.Null(received[0].ContentType);
    }

    [Fact]
    public async Task SendBatchAsync_OverTheSizeLimit_SplitsIntoRequestsThatEachFitAndKeepsTheOrder()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        fake.MaxMessageBytes = 4096;
        var options = FastRetries();
        options.MaxBatchBytes = 4096;
        var sender = Sender(fake, "payments", options);
        var messages = Enumerable.Range(0, 10)
            .Select(i => new ServiceBusMessage(new string('x', 1000)) { MessageId = $"split-{i}" })
            .ToList();

        await sender.SendBatchAsync(messages);

        // ~1.1 KB per entry: three fit under 4 KiB, so ten need four requests.
        Assert.Equal(4, fake.AcceptedRequests);
        Assert.Equal(messages.Select(m => m.MessageId), fake.Messages("payments").Select(m => m.MessageId));
    }

    [Fact]
    public async Task SendBatchAsync_WithOneMessageLargerThanTheLimit_SendsNothing()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var options = FastRetries();
        options.MaxBatchBytes = 4096;
        var sender = Sender(fake, "payments", options);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sender.SendBatchAsync(
            [new ServiceBusMessage("small") { MessageId = "ok" }, new ServiceBusMessage(new string('x', 5000)) { MessageId = "huge" }]));

        Assert.Contains("huge", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.AcceptedRequests);
    }

    [Fact]
    public async Task SendAsync_WithoutAMessageId_AssignsOneSoAResendOfTheSameMessageIsDeduplicated()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var sender = Sender(fake, "payments");
        var message = new ServiceBusMessage("once");

        await sender.SendAsync(message);
        await sender.SendAsync(message);

        Assert.False(string.IsNullOrEmpty(message.MessageId));
        Assert.Equal(2, fake.AcceptedRequests);
        Assert.Equal(2, fake.Received);
        Assert.Equal(message.MessageId, Assert.Single(fake.Messages("payments")).MessageId);
    }

    [Fact]
    public async Task SendAsync_WithAnApplicationPropertyOfAnUnsupportedType_ThrowsBeforeSending()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var sender = Sender(fake, "payments");
        var message = new ServiceBusMessage("x") { ApplicationProperties = { ["Amount"] = 12.5m } };

        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(message));
        Assert.Equal(0, fake.AcceptedRequests);
    }

    private static ServiceBusMessage FullyDescribedMessage(string id, string body) => new(body)
    {
        MessageId = id,
        Subject = "payment_succeeded",
        CorrelationId = "booking-42",
        SessionId = "booking-42",
        ContentType = "application/cloudevents+json",
        TimeToLive = TimeSpan.FromSeconds(90),
        ScheduledEnqueueTime = Scheduled,
        ApplicationProperties =
        {
            ["Priority"] = "High",
            ["Note"] = "a \"quoted\", value",
            ["Urgent"] = true,
            ["Attempt"] = 3,
            ["AmountMinor"] = 9_000_000_000L,
            ["Ratio"] = 0.25,
            ["OccurredAt"] = Scheduled,
        },
    };

    private static void AssertFullyDescribed(ReceivedMessage received, string id, string body)
    {
        Assert.Equal(body, received.BodyText);
        Assert.Equal(id, received.MessageId);
        Assert.Equal("payment_succeeded", received.Label);
        Assert.Equal("booking-42", received.CorrelationId);
        Assert.Equal("booking-42", received.SessionId);
        Assert.Equal(TimeSpan.FromSeconds(90), received.TimeToLive);
        Assert.Equal(Scheduled, received.ScheduledEnqueueTimeUtc);
        Assert.Equal("High", received.UserProperties["Priority"]);
        Assert.Equal("a \"quoted\", value", received.UserProperties["Note"]);
        Assert.Equal(true, received.UserProperties["Urgent"]);
        Assert.Equal(3L, received.UserProperties["Attempt"]);
        Assert.Equal(9_000_000_000L, received.UserProperties["AmountMinor"]);
        Assert.Equal(0.25, received.UserProperties["Ratio"]);
        Assert.Equal("Wed, 02 Jan 2030 03:04:05 GMT", received.UserProperties["OccurredAt"]);
        Assert.Equal(7, received.UserProperties.Count);
    }
}
