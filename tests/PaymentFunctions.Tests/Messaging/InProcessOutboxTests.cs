using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Messaging.Local;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Storage;

namespace PaymentFunctions.Tests.Messaging;

/// The in-process transport keeps the outbox promise through the outbox (issue 12): a row stays until every
/// subscription settled its message, a dead letter becomes a durable row, a start resends what is left, and
/// OutboxCleanup deletes settled rows in batches. Real Azurite through Azure.Data.Tables; the subscriber is the test's.
public sealed class InProcessOutboxTests : IAsyncLifetime
{
    private const string Subscribed = EventTypes.PaymentsTopic;
    private const string Unsubscribed = EventTypes.BookingsTopic;

    private readonly StorageTables.RequestCounter _requests = new();
    private readonly ConcurrentQueue<string> _invoked = new();
    private PaymentTables _tables = null!;
    private PendingOutbox _pending = null!;
    private OutboxCleanup _cleanup = null!;
    private InProcessTransport? _transport;

    /// What the subscription does with a delivery; succeeds by default.
    private Func<string, Task> _consumer = _ => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var azurite = await AzuriteServer.Shared;
        var options = new TableClientOptions();
        options.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
        _tables = new PaymentTables(new TableServiceClient(azurite.ConnectionString, options), Options.Create(new StorageOptions { TablePrefix = "o" + Guid.NewGuid().ToString("N")[..10] }));
        await _tables.EnsureCreatedAsync(CancellationToken.None);
        _pending = new PendingOutbox(_tables, TimeProvider.System);
        _cleanup = new OutboxCleanup(_tables, _pending, new FaultInjection(), NullLogger<OutboxCleanup>.Instance);
        await _cleanup.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_transport is not null)
        {
            await _transport.StopAsync(CancellationToken.None);
            _transport.Dispose();
        }

        await _cleanup.StopAsync(CancellationToken.None);
        _cleanup.Dispose();
        _tables.Dispose();
    }

    [Fact]
    public async Task TheOutboxRowStaysWhileTheSubscriberWorksAndIsReleasedWhenItSucceeded()
    {
        var working = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        _consumer = async _ =>
        {
            working.TrySetResult();
            await finish.Task;
        };
        var transport = await StartTransportAsync();
        var message = await WriteOutboxRowAsync(Subscribed, "bk_kept");

        await transport.PublishAsync(Subscribed, [message], CancellationToken.None);
        await working.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(await RowsAsync("bk_kept", RowKeys.OutboxPrefix));
        finish.SetResult();
        Assert.Empty(await EventuallyGoneAsync("bk_kept"));
        Assert.Equal([message.MessageId], _invoked);
    }

    [Fact]
    public async Task AMessageNoSubscriberHereReceivesIsReleasedAtOnce()
    {
        var transport = await StartTransportAsync();
        var message = await WriteOutboxRowAsync(Unsubscribed, "bk_other_services");

        await transport.PublishAsync(Unsubscribed, [message], CancellationToken.None);

        Assert.Empty(await EventuallyGoneAsync("bk_other_services"));
        Assert.Contains(message, transport.Published);
    }

    [Fact]
    public async Task AMessageDeadLetteredAfterMaxDeliveriesBecomesADurableDeadLetterRowInPlaceOfItsOutboxRow()
    {
        _consumer = _ => throw new InvalidOperationException("cannot apply this");
        var transport = await StartTransportAsync();
        var message = await WriteOutboxRowAsync(Subscribed, "bk_poison");

        await transport.PublishAsync(Subscribed, [message], CancellationToken.None);

        var deadLetters = await TestBookings.EventuallyAsync(() => RowsAsync("bk_poison", RowKeys.DeadLetterPrefix), rows => rows.Count > 0, "bk_poison's dead-letter row", TimeSpan.FromSeconds(30));
        var row = Assert.Single(deadLetters);
        Assert.Equal(RowKeys.DeadLetter(Subscribed, BookingSubscription, message.MessageId), row.RowKey);
        Assert.Equal(message.Body, row.GetString("Body"));
        Assert.Equal("cannot apply this", row.GetString("Reason"));
        Assert.Empty(await RowsAsync("bk_poison", RowKeys.OutboxPrefix));
        Assert.Equal(2, _invoked.Count);
        Assert.Equal(message.MessageId, Assert.Single(transport.DeadLetters).Message.MessageId);
        // Listed for operators from its index entry, written first, not from the Bookings table.
        var entry = await _tables.Lookups.FindAsync(RowKeys.DeadLetterIndexPartition(Subscribed, BookingSubscription), RowKeys.DeadLetterIndexRow(message.MessageId), CancellationToken.None);
        Assert.Equal(("bk_poison", row.GetDateTimeOffset("DeadLetteredAt")), (entry!.GetString("BookingId"), entry.GetDateTimeOffset("DeadLetteredAt")));
    }

    [Fact]
    public async Task OnStartEveryOutboxRowLeftBehindIsSentAgainAndReleasedOnceSettled()
    {
        // What a crash leaves: rows this transport held, each indexed before its publisher heard "accepted".
        var first = await WriteOutboxRowAsync(Subscribed, "bk_left_1", indexed: true);
        var second = await WriteOutboxRowAsync(Subscribed, "bk_left_2", indexed: true);
        await WriteOutboxRowAsync(Unsubscribed, "bk_left_3", indexed: true);

        await StartTransportAsync();

        Assert.Empty(await EventuallyGoneAsync("bk_left_1"));
        Assert.Empty(await EventuallyGoneAsync("bk_left_2"));
        Assert.Empty(await EventuallyGoneAsync("bk_left_3"));
        Assert.Equal(new[] { first.MessageId, second.MessageId }.Order(StringComparer.Ordinal), _invoked.Order(StringComparer.Ordinal));
        Assert.Empty(await TestBookings.EventuallyAsync(() => PendingEntriesAsync(), entries => entries.Count == 0, "the pending entries to go with their rows", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ARowHeldForASubscriberIsIndexedBeforePublishReturnsAndItsEntryGoesWithIt()
    {
        var finish = new TaskCompletionSource();
        _consumer = _ => finish.Task;
        var transport = await StartTransportAsync();
        var message = await WriteOutboxRowAsync(Subscribed, "bk_indexed");

        await transport.PublishAsync(Subscribed, [message], CancellationToken.None);

        var entry = Assert.Single(await PendingEntriesAsync());
        Assert.Equal(("bk_indexed", "cause"), (entry.BookingId, entry.CausationId));
        finish.SetResult();
        Assert.Empty(await EventuallyGoneAsync("bk_indexed"));
        Assert.Empty(await TestBookings.EventuallyAsync(() => PendingEntriesAsync(), entries => entries.Count == 0, "bk_indexed's entry to go after its row", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task AResendDroppedAsADuplicateAfterTheFirstCopySettledStillHasItsRowReleased()
    {
        var transport = await StartTransportAsync();
        var message = await WriteOutboxRowAsync(Subscribed, "bk_resent");
        await transport.PublishAsync(Subscribed, [message], CancellationToken.None);
        Assert.Empty(await EventuallyGoneAsync("bk_resent"));

        // The sweeper read the row before the clean-up deleted it (here: the row is back), and sends it again.
        var again = OutboxRow.ToEntity(message, "cause");
        await _tables.Bookings.AddCheckedAsync(again, CancellationToken.None);
        Assert.Single(await RowsAsync("bk_resent", RowKeys.OutboxPrefix));
        await transport.PublishAsync(Subscribed, [OutboxRow.FromEntity(again)], CancellationToken.None);

        Assert.Empty(await EventuallyGoneAsync("bk_resent"));
        Assert.Equal([message.MessageId], _invoked);
    }

    [Fact]
    public async Task AResendWhileTheFirstCopyIsInFlightIsDroppedAndItsRowReleasedWithTheFirst()
    {
        var finish = new TaskCompletionSource();
        var transport = await StartTransportAsync();
        var message = await WriteOutboxRowAsync(Subscribed, "bk_inflight");
        _consumer = id => id == message.MessageId ? finish.Task : Task.CompletedTask;

        await transport.PublishAsync(Subscribed, [message], CancellationToken.None);
        await transport.PublishAsync(Subscribed, [message], CancellationToken.None);
        // A marker settled after the duplicate was dropped: the clean-up takes rows in order, so once the marker's
        // row is gone, a row the duplicate had wrongly released would be gone too.
        var marker = await WriteOutboxRowAsync(Subscribed, "bk_inflight_marker");
        await transport.PublishAsync(Subscribed, [marker], CancellationToken.None);
        Assert.Empty(await EventuallyGoneAsync("bk_inflight_marker"));

        Assert.Single(await RowsAsync("bk_inflight", RowKeys.OutboxPrefix));
        finish.SetResult();
        Assert.Empty(await EventuallyGoneAsync("bk_inflight"));
        Assert.Single(_invoked, id => id == message.MessageId);
    }

    [Fact]
    public async Task TheCleanupDeletesPerPartitionInTransactionsOfAtMost100AndARowAlreadyGoneKeepsNoOtherAlive()
    {
        var many = new List<OutboxRowKey>();
        foreach (var chunk in Enumerable.Range(0, 150).Chunk(TableRules.MaxTransactionActions))
        {
            var rows = chunk.Select(i => OutboxRow.ToEntity(Message(Unsubscribed, "bk_many", $"m{i:D3}"), "cause")).ToList();
            await _tables.Bookings.SubmitCheckedAsync([.. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))], CancellationToken.None);
            many.AddRange(rows.Select(r => new OutboxRowKey(r.PartitionKey, r.RowKey)));
        }

        var other = await WriteOutboxRowAsync(Unsubscribed, "bk_few");
        var gone = await WriteOutboxRowAsync(Unsubscribed, "bk_few");
        await _tables.Bookings.DeleteEntityAsync(gone.BookingId, gone.RowKey!);
        _requests.Reset();

        await _cleanup.DeleteAsync([.. many, other.Row!.Value, gone.Row!.Value], CancellationToken.None);
        var requests = _requests.Count;

        Assert.Empty(await RowsAsync("bk_many", RowKeys.OutboxPrefix));
        Assert.Empty(await RowsAsync("bk_few", RowKeys.OutboxPrefix));
        // bk_many: 2 transactions (100 + 50); bk_few: 1 transaction failed by the missing row, then 2 single deletes.
        Assert.Equal(5, requests);
    }

    private const string BookingSubscription = "booking";

    private async Task<InProcessTransport> StartTransportAsync()
    {
        var subscription = new InProcessSubscription(Subscribed, BookingSubscription, async (_, _, bindingData, _) =>
        {
            var messageId = ServiceBusDelivery.From(bindingData).MessageId;
            _invoked.Enqueue(messageId);
            await _consumer(messageId);
        });
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _transport = new InProcessTransport(
            [subscription],
            services,
            _tables,
            _pending,
            _cleanup,
            new MessagingMetrics(services.GetRequiredService<IMeterFactory>()),
            TimeProvider.System,
            NullLogger<InProcessTransport>.Instance,
            new InProcessTransportOptions { MaxDeliveryCount = 2, RedeliveryDelay = TimeSpan.FromMilliseconds(20) });
        await _transport.StartAsync(CancellationToken.None);
        // Rows the test writes from here on are the test's to send, not the start-up resend's.
        await _transport.OutboxResent.WaitAsync(TimeSpan.FromSeconds(30));
        return _transport;
    }

    private static OutboxMessage Message(string topic, string bookingId, string messageId) =>
        new(topic, messageId, "bookticket.test.v1", "test", bookingId, $$"""{"id":"{{messageId}}"}""");

    /// An outbox row as the commit writes it (and, if indexed, its pending entry), and the message as OutboxSender reads it back.
    private async Task<OutboxMessage> WriteOutboxRowAsync(string topic, string bookingId, bool indexed = false)
    {
        var entity = OutboxRow.ToEntity(Message(topic, bookingId, "msg-" + Guid.NewGuid().ToString("N")[..12]), "cause");
        await _tables.Bookings.AddCheckedAsync(entity, CancellationToken.None);
        if (indexed)
        {
            await _pending.MarkAsync(bookingId, "cause", CancellationToken.None);
        }

        return OutboxRow.FromEntity(entity);
    }

    private async Task<List<PendingEntry>> PendingEntriesAsync()
    {
        var entries = new List<PendingEntry>();
        await foreach (var entry in _pending.ReadAsync(DateTimeOffset.UtcNow.AddMinutes(1), int.MaxValue, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private Task<List<TableEntity>> EventuallyGoneAsync(string bookingId) =>
        TestBookings.EventuallyAsync(() => RowsAsync(bookingId, RowKeys.OutboxPrefix), rows => rows.Count == 0, $"booking {bookingId}'s outbox rows to be deleted", TimeSpan.FromSeconds(30));

    private async Task<List<TableEntity>> RowsAsync(string bookingId, string prefix)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _tables.Bookings.QueryAsync<TableEntity>(KeyFilters.InPartitionStartingWith(bookingId, prefix)))
        {
            rows.Add(row);
        }

        return rows;
    }
}
