using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Messaging.Local;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Operations.OperatorCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Operations;

/// GET /api/admin/dead-letters and POST /api/admin/dead-letters/{messageId}/requeue in local mode: a message the
/// in-process transport really dead-lettered is listed, refused while the transport's duplicate detection would drop
/// it, then requeued once its source is fixed and applied once, a crash between the steps included.
public sealed class DeadLetterRequeueTests(DeadLetterRequeueTests.Host fixture) : IClassFixture<DeadLetterRequeueTests.Host>
{
    /// Local mode dead-lettering after two deliveries, on a clock the tests move past the transport's duplicate-detection
    /// window, every storage call recorded. Its own host: the clock and the fault rule are host-wide.
    public sealed class Host : IAsyncLifetime
    {
        public OffsetClock Clock { get; } = new(TimeSpan.Zero);

        public RecordRequests Storage { get; } = new();

        public PaymentAppHost App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var azurite = await AzuriteServer.Shared;
            App = await PaymentAppHost.StartAsync(
                settings: new Dictionary<string, string?> { ["ServiceBus:InProcess:MaxDeliveryCount"] = "2" },
                deliverWebhooks: false,
                clock: Clock,
                services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, Storage.Options())));
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private PaymentAppHost App => fixture.App;

    [Fact]
    public async Task AMessageDeadLetteredLocallyIsListedThenRequeuedOnceItsSourceIsFixedAndAppliedOnce()
    {
        var staffId = NewUser("staff");
        using var staff = App.ClientFor(staffId, AuthSetup.PaymentsAdminRole);
        var (bookingId, message) = await DeadLetteredAsync(staff);

        var tooSoon = await RequeueAsync(staff, message.MessageId);
        // The source is fixed: the booking it pays is back.
        await TestBookings.SeedAsync(App, id: bookingId, issuedIntentId: "pi_t");
        fixture.Clock.Advance(new InProcessTransportOptions().DuplicateDetectionWindow + TimeSpan.FromMinutes(1));
        var requeued = await RequeueAsync(staff, message.MessageId, "requeue-1");
        var confirmed = await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(App, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED by the requeued message");
        var again = await RequeueAsync(staff, message.MessageId);

        tooSoon.AssertProblem(HttpStatusCode.Conflict);
        Assert.True(tooSoon.Response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a Retry-After in seconds");
        Assert.Equal(HttpStatusCode.Accepted, requeued.Status);
        Assert.Equal((message.MessageId, bookingId, "Requeued"), (requeued.Text("messageId"), requeued.Text("bookingId"), requeued.Text("outcome")));
        again.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(BookingStatus.CONFIRMED, confirmed.Status);
        await AppliedOnceAsync(staff, bookingId, message);
        var trail = await AuditAsync(staff, bookingId);
        Assert.Equal(4, trail.Count);
        Assert.Equal([("dead-letter.requeue", "requested"), ("dead-letter.requeue", "done"), ("dead-letter.requeue", "requested"), ("dead-letter.requeue", "done")], trail.Select(t => (t.Action, t.Phase)));
        Assert.StartsWith("TooSoon until ", trail[1].Outcome, StringComparison.Ordinal);
        Assert.Equal("Requeued", trail[3].Outcome);
    }

    [Fact]
    public async Task ACrashBetweenTheSwapAndTheSendIsFinishedByTheRetryUnderTheSameKeyAndAppliedOnce()
    {
        using var staff = App.ClientFor(NewUser("staff"), AuthSetup.PaymentsAdminRole);
        var (bookingId, message) = await DeadLetteredAsync(staff);
        await TestBookings.SeedAsync(App, id: bookingId, issuedIntentId: "pi_t");
        fixture.Clock.Advance(new InProcessTransportOptions().DuplicateDetectionWindow + TimeSpan.FromMinutes(1));
        var fired = 0;
        App.Faults.Rule = point => point == FaultInjection.RequeueAfterCommit && Interlocked.Exchange(ref fired, 1) == 0;

        fixture.Storage.Clear();
        var crashed = await RequeueAsync(staff, message.MessageId, "requeue-crash");
        var calls = fixture.Storage.Calls;
        // The dead-letter row was swapped for an outbox row (with its pending entry), and nothing was sent.
        var afterCrash = (
            DeadLetters: (await TestBookings.RowsAsync(App, bookingId, RowKeys.DeadLetterPrefix)).Count,
            Outbox: (await TestBookings.RowsAsync(App, bookingId, RowKeys.OutboxFor(LocalDeadLetters.RequeueCause(message.MessageId)))).Count,
            (await TestBookings.LoadAsync(App, bookingId)).Status);
        var retried = await RequeueAsync(staff, message.MessageId, "requeue-crash");
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(App, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED by the retry");

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        // The Idempotency-Key's retention entry (the user's first keyed call this minute) and its claim, the dead letter's index entry, "requested", the dead-letter row, the pending-outbox
        // entry, the swap; then the "failed" row and the key's release. Nothing was sent, so nothing else ran.
        Assert.Equal(["POST $batch", "POST query", "GET entity", "POST query", "GET entity", "POST $batch", "POST $batch", "POST query", "DELETE entity"], calls);
        Assert.Equal((0, 1, BookingStatus.PENDING), afterCrash);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal("AlreadyRequeued", retried.Text("outcome"));
        await AppliedOnceAsync(staff, bookingId, message);
        Assert.Equal(
            [("dead-letter.requeue", "requested", null), ("dead-letter.requeue", "failed", "InvalidOperationException"), ("dead-letter.requeue", "requested", null), ("dead-letter.requeue", "done", "AlreadyRequeued")],
            await AuditAsync(staff, bookingId));
    }

    /// A payment event for a booking this app does not hold (yet): every delivery fails, so the transport dead-letters it.
    private async Task<(string BookingId, OutboxMessage Message)> DeadLetteredAsync(HttpClient staff)
    {
        var bookingId = new BookingIds().Next();
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(bookingId, fixture.Clock.GetUtcNow()));
        await App.InProcess!.PublishAsync(EventTypes.PaymentsTopic, [message], CancellationToken.None);
        var listed = await TestBookings.EventuallyAsync(
            async () => (await AllPagesAsync(staff, "/api/admin/dead-letters")).Items,
            items => items.Any(i => i.GetProperty("messageId").GetString() == message.MessageId),
            $"{message.MessageId} to be listed as dead-lettered");
        var item = Assert.Single(listed, i => i.GetProperty("messageId").GetString() == message.MessageId);
        Assert.Equal((bookingId, message.Type), (item.GetProperty("bookingId").GetString(), item.GetProperty("type").GetString()));
        Assert.Contains(bookingId, item.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(await TestBookings.RowsAsync(App, bookingId, RowKeys.DeadLetterPrefix));
        return (bookingId, message);
    }

    /// One inbox row for the message, one move of the booking, no dead letter or outbox row left, no longer listed.
    private async Task AppliedOnceAsync(HttpClient staff, string bookingId, OutboxMessage message)
    {
        Assert.Single(await TestBookings.RowsAsync(App, bookingId, RowKeys.Inbox(message.MessageId)));
        Assert.Equal([BookingStatus.CONFIRMED], (await TestBookings.RowsAsync(App, bookingId, RowKeys.HistoryPrefix)).Select(r => BookingHistoryEntry.FromEntity(r).To));
        Assert.Empty(await TestBookings.RowsAsync(App, bookingId, RowKeys.DeadLetterPrefix));
        await TestBookings.OutboxAfterCleanupAsync(App, bookingId);
        Assert.DoesNotContain((await AllPagesAsync(staff, "/api/admin/dead-letters")).Items, i => i.GetProperty("messageId").GetString() == message.MessageId);
    }
}
