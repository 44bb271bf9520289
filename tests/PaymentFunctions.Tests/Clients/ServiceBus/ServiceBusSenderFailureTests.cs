using System.Net;
using Azure;
using PaymentFunctions.Clients.ServiceBus;
using PaymentFunctions.Tests.Fakes;
using static PaymentFunctions.Tests.Clients.ServiceBus.ServiceBusTestSenders;

namespace PaymentFunctions.Tests.Clients.ServiceBus;

public sealed class ServiceBusSenderFailureTests
{
    [Fact]
    public async Task SendAsync_AfterAnInjected503_RetriesAndIsStoredOnce()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        fake.FailNext(1, HttpStatusCode.ServiceUnavailable);

        await Sender(fake, "payments").SendAsync(new ServiceBusMessage("x") { MessageId = "retry-1" });

        Assert.Equal("retry-1", Assert.Single(fake.Messages("payments")).MessageId);
    }

    [Fact]
    public async Task SendAsync_WhenTheAnswerIsLostAfterTheBrokerStored_TheRetryKeepsTheMessageIdAndIsDeduplicated()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        fake.FailNextAfterStoring(1, HttpStatusCode.ServiceUnavailable);

        await Sender(fake, "payments").SendBatchAsync([new ServiceBusMessage("a") { MessageId = "dup-a" }, new ServiceBusMessage("b") { MessageId = "dup-b" }]);

        Assert.Equal(4, fake.Received);
        Assert.Equal(1, fake.AcceptedRequests);
        Assert.Equal(["dup-a", "dup-b"], fake.Messages("payments").Select(m => m.MessageId));
    }

    [Fact]
    public async Task SendAsync_AfterADroppedConnection_Retries()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        fake.DropConnectionNext(2);

        await Sender(fake, "payments").SendAsync(new ServiceBusMessage("x") { MessageId = "drop-1" });

        Assert.Equal("drop-1", Assert.Single(fake.Messages("payments")).MessageId);
    }

    [Fact]
    public async Task SendAsync_WhenEveryAttemptFails_ThrowsAfterTheConfiguredRetries()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        fake.FailNext(4, HttpStatusCode.InternalServerError);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Sender(fake, "payments").SendAsync(new ServiceBusMessage("x")));

        Assert.Equal(500, error.Status);
        Assert.Empty(fake.Messages("payments"));
        // The fifth answer would have been 201: exactly 1 + MaxRetries (3) attempts were made.
        await Sender(fake, "payments").SendAsync(new ServiceBusMessage("y"));
        Assert.Single(fake.Messages("payments"));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "authorization was rejected")]
    [InlineData(HttpStatusCode.Forbidden, "lacks the Send right")]
    [InlineData(HttpStatusCode.NotFound, "does not exist")]
    [InlineData(HttpStatusCode.Gone, "does not exist")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "too large")]
    public async Task SendAsync_WithAnErrorStatus_ThrowsAClearMessageNamingTheTopicWithoutSecrets(HttpStatusCode status, string reason)
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        fake.FailNext(1, status);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Sender(fake, "payments").SendAsync(new ServiceBusMessage("x")));

        Assert.Equal((int)status, error.Status);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("'payments'", error.Message, StringComparison.Ordinal);
        AssertNoSecrets(fake, error);
        Assert.Equal(0, fake.AcceptedRequests); // not retried into success
    }

    [Fact]
    public async Task SendAsync_WithTheWrongKey_IsRejectedByTheFakesSignatureCheck()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var sender = new ServiceBusSender(fake.Endpoint, "payments", new ServiceBusSasCredential(fake.KeyName, "not-the-key"), FastRetries());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => sender.SendAsync(new ServiceBusMessage("x")));

        Assert.Equal(401, error.Status);
        Assert.Equal("SAS signature does not match", fake.LastRejection);
        Assert.DoesNotContain("not-the-key", error.Message, StringComparison.Ordinal);
        AssertNoSecrets(fake, error);
    }

    [Fact]
    public async Task SendAsync_WithAnExpiredToken_IsRejected()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var stoppedClock = new ManualClock(DateTimeOffset.UtcNow.AddHours(-2));
        var sender = new ServiceBusSender(fake.Endpoint, "payments", new ServiceBusSasCredential(fake.KeyName, fake.Key, stoppedClock), FastRetries());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => sender.SendAsync(new ServiceBusMessage("x")));

        Assert.Equal(401, error.Status);
        Assert.Equal("SAS token expired", fake.LastRejection);
    }

    [Fact]
    public async Task SendAsync_ToATopicTheNamespaceDoesNotHave_Throws404NamingTheTopic()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Sender(fake, "bookings").SendAsync(new ServiceBusMessage("x")));

        Assert.Equal(404, error.Status);
        Assert.Contains("'bookings'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WithABodyOverTheBrokersLimit_Throws413MessageTooLarge()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Sender(fake, "payments").SendAsync(new ServiceBusMessage(new BinaryData(new byte[300 * 1024]))));

        Assert.Equal(413, error.Status);
        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    private static void AssertNoSecrets(FakeServiceBus fake, RequestFailedException error)
    {
        var text = error.ToString();
        Assert.DoesNotContain(fake.Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessSignature", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", text, StringComparison.Ordinal);
    }
}
