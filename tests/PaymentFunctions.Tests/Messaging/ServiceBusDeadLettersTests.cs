using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using System.Xml;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

/// The Azure dead-letter sub-queue at the SDK's own boundary: a ServiceBusReceiver on SubQueue.DeadLetter
/// (DeadLetterSubQueueDouble) and the production publisher over the recording client. Not exercised: a real namespace
/// (lock expiry, partitioned entities, the broker's duplicate detection itself).
public sealed class ServiceBusDeadLettersTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Sent = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DeadLetterSource Source = new(EventTypes.PaymentsTopic, "booking");
    private readonly RecordingServiceBusClient _bus = new();
    private readonly FakeTimeProvider _time = new(Sent + TimeSpan.FromDays(2));
    private readonly FaultInjection _faults = new();
    private ServiceBusTopicPublisher _publisher = null!;

    private DeadLetterSubQueueDouble Queue => _bus.DeadLetters(Source.Topic, Source.Subscription);

    public Task InitializeAsync()
    {
        _publisher = new ServiceBusTopicPublisher(_bus);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _publisher.DisposeAsync();

    [Fact]
    public async Task AListPeeksOnePageFromASequenceNumberAndLocksNothing()
    {
        var messages = Enumerable.Range(11, 5).Select(n => DeadLettered(n)).ToList();
        var deadLetters = DeadLetters();

        var first = await deadLetters.ListAsync(Source, 2, null, CancellationToken.None);
        var second = await deadLetters.ListAsync(Source, 2, first!.Next, CancellationToken.None);
        var last = await deadLetters.ListAsync(Source, 2, second!.Next, CancellationToken.None);
        var foreign = await deadLetters.ListAsync(Source, 2, "not-a-number", CancellationToken.None);

        Assert.Equal([11L, 12L], first.Items.Select(d => d.SequenceNumber!.Value));
        Assert.Equal(("13", "15", null), (first.Next, second.Next, last!.Next));
        Assert.Equal([15L], last.Items.Select(d => d.SequenceNumber!.Value));
        var item = first.Items[0];
        Assert.Equal((messages[0].MessageId, "bk_11", "bookticket.payments.payment_succeeded.v1", "MaxDeliveryCountExceeded", Sent, 10),
            (item.MessageId, item.BookingId, item.Type, item.Reason, item.EnqueuedAt!.Value, item.DeliveryCount!.Value));
        Assert.Null(foreign);
        Assert.Equal(5, Queue.Messages.Count);
        Assert.Equal(0, Queue.Locked);
    }

    [Fact]
    public async Task ARequeueResendsTheMessageAsThePublisherSentItWithItsOwnMessageIdThenCompletesIt()
    {
        DeadLettered(1);
        DeadLettered(2);
        var target = DeadLettered(3);
        var deadLetters = DeadLetters();

        var found = await deadLetters.FindAsync(Source, target.MessageId, 3, CancellationToken.None);
        var result = await deadLetters.RequeueAsync(Source, found!, CancellationToken.None);

        Assert.Equal(RequeueOutcome.Requeued, result.Outcome);
        var batch = Assert.Single(_bus.Batches);
        Assert.Equal(EventTypes.PaymentsTopic, batch.Topic);
        var resent = Assert.Single(batch.Messages);
        Assert.Equal((target.MessageId, target.Subject, "bk_3", "bk_3", target.ContentType), (resent.MessageId, resent.Subject, resent.CorrelationId, resent.SessionId, resent.ContentType));
        // The publisher's one property, not the broker's dead-letter reason and description.
        Assert.Equal(["type"], resent.ApplicationProperties.Keys);
        Assert.Equal(target.Body.ToArray(), resent.Body.ToArray());
        Assert.Equal([3L], Queue.Completed);
        Assert.Equal([1L, 2L], Queue.Messages.Select(m => m.SequenceNumber));
        Assert.Equal((0, 2), (Queue.Locked, Queue.Abandoned));
    }

    [Fact]
    public async Task WhileTheTopicsDuplicateDetectionRemembersTheMessageIdNothingIsSentOrLocked()
    {
        var enqueued = _time.GetUtcNow() - TimeSpan.FromHours(23);
        var target = DeadLettered(7, enqueued);
        var deadLetters = DeadLetters();

        var result = await deadLetters.RequeueAsync(Source, (await deadLetters.FindAsync(Source, target.MessageId, 7, CancellationToken.None))!, CancellationToken.None);

        Assert.Equal(new RequeueResult(RequeueOutcome.TooSoon, enqueued + TimeSpan.FromDays(1)), result);
        Assert.Empty(_bus.Batches);
        Assert.Single(Queue.Messages);
        Assert.Equal((0, 0), (Queue.Locked, Queue.Abandoned));
    }

    [Fact]
    public async Task ACrashBetweenTheResendAndTheCompleteLeavesTheDeadLetterForTheRetryAndTheTopicKeepsOneCopy()
    {
        var target = DeadLettered(5);
        var deadLetters = DeadLetters();
        var fired = 0;
        _faults.Rule = point => point == FaultInjection.RequeueAfterSend && Interlocked.Exchange(ref fired, 1) == 0;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await deadLetters.RequeueAsync(Source, (await deadLetters.FindAsync(Source, target.MessageId, 5, CancellationToken.None))!, CancellationToken.None));
        var afterCrash = (Queue.Messages.Count, Queue.Locked, _bus.Received);
        var retried = await deadLetters.RequeueAsync(Source, (await deadLetters.FindAsync(Source, target.MessageId, 5, CancellationToken.None))!, CancellationToken.None);

        // Left a dead letter and at once free for the retry; its copy went out.
        Assert.Equal((1, 0, 1), afterCrash);
        Assert.Equal(RequeueOutcome.Requeued, retried.Outcome);
        Assert.Equal([5L], Queue.Completed);
        // Sent twice, kept once: the resend has the same MessageId, which duplicate detection (and the consumer's inbox) drops.
        Assert.Equal(2, _bus.Received);
        Assert.Equal(target.MessageId, Assert.Single(_bus.Messages(EventTypes.PaymentsTopic)).MessageId);
    }

    [Fact]
    public async Task AMessageLockedElsewhereIsBusyAndOneTakenMeanwhileIsGoneAndNeitherIsSent()
    {
        var locked = DeadLettered(1);
        var taken = DeadLettered(2);
        var deadLetters = DeadLetters();
        var lockedFound = await deadLetters.FindAsync(Source, locked.MessageId, 1, CancellationToken.None);
        var takenFound = await deadLetters.FindAsync(Source, taken.MessageId, 2, CancellationToken.None);
        Queue.LockElsewhere(1);
        Assert.Equal(RequeueOutcome.Requeued, (await DeadLetters().RequeueAsync(Source, takenFound!, CancellationToken.None)).Outcome);

        var busy = await deadLetters.RequeueAsync(Source, lockedFound!, CancellationToken.None);
        var gone = await deadLetters.RequeueAsync(Source, takenFound!, CancellationToken.None);
        var otherNumber = await deadLetters.FindAsync(Source, locked.MessageId, 2, CancellationToken.None);
        var otherId = await deadLetters.FindAsync(Source, "evt_other:payment_intent.succeeded", 1, CancellationToken.None);
        var noNumber = await deadLetters.FindAsync(Source, locked.MessageId, null, CancellationToken.None);

        Assert.Equal((RequeueOutcome.Busy, RequeueOutcome.Gone), (busy.Outcome, gone.Outcome));
        Assert.Equal(1, _bus.Received);
        Assert.Equal((null, null, null), (otherNumber, otherId, noNumber));
        Assert.Equal([1L], Queue.Messages.Select(m => m.SequenceNumber));
    }

    [Fact]
    public void TheDefaultWindowIsTheTopicsAndAWindowServiceBusWouldRefuseStopsTheStartNamingTheSetting()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep"));
        var windows = Regex.Matches(bicep, @"duplicateDetectionHistoryTimeWindow: '(?<window>[^']+)'").Select(m => XmlConvert.ToTimeSpan(m.Groups["window"].Value)).Distinct();
        var tooShort = new MessagingOptions { FullyQualifiedNamespace = "ns.servicebus.windows.net", DuplicateDetectionWindow = TimeSpan.FromSeconds(10) };
        var problems = new List<ValidationResult>();

        Assert.Equal([new MessagingOptions().DuplicateDetectionWindow], windows);
        Assert.False(Validator.TryValidateObject(tooShort, new ValidationContext(tooShort), problems, validateAllProperties: true));
        Assert.StartsWith("ServiceBus:DuplicateDetectionWindow ", Assert.Single(problems).ErrorMessage, StringComparison.Ordinal);
    }

    private ServiceBusDeadLetters DeadLetters() =>
        new(_bus, _publisher, _faults, Options.Create(new MessagingOptions()), _time, NullLogger<ServiceBusDeadLetters>.Instance);

    /// A payment event the app published, dead-lettered after 10 deliveries.
    private ServiceBusReceivedMessage DeadLettered(long sequenceNumber, DateTimeOffset? enqueued = null) =>
        Queue.Add(CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded($"bk_{sequenceNumber}", Sent)), sequenceNumber, enqueued ?? Sent);
}
