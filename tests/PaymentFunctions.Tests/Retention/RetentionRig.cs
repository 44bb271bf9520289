using System.Globalization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Http;
using PaymentFunctions.Retention;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Retention;

/// Retention's parts wired as the app wires them (AddStorage, AddIdempotencyKeys, AddRetention), without a host, so a
/// test owns every storage request they make: real Azurite under its own table prefix, a FakeTimeProvider, and each
/// request recorded with its table, filter and the entities it returned. Rows are written as the app's paths write
/// them: each filed in the retention index first, with the time it carries.
public sealed class RetentionRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private RetentionRig(ServiceProvider services, StorageRequests requests, FakeTimeProvider time)
    {
        _services = services;
        Requests = requests;
        Time = time;
    }

    public StorageRequests Requests { get; }

    public FakeTimeProvider Time { get; }

    public PaymentTables Tables => _services.GetRequiredService<PaymentTables>();

    public RetentionIndex Index => _services.GetRequiredService<RetentionIndex>();

    public RetentionSweep Sweep => _services.GetRequiredService<RetentionSweep>();

    public FaultInjection Faults => _services.GetRequiredService<FaultInjection>();

    public static async Task<RetentionRig> StartAsync(int maxEntriesPerRun = 10_000)
    {
        var azurite = await AzuriteServer.Shared;
        var requests = new StorageRequests();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 30, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = "ret" + Guid.NewGuid().ToString("N")[..10],
            ["Retention:MaxEntriesPerRun"] = maxEntriesPerRun.ToString(CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddStorage()
            .AddIdempotencyKeys()
            .AddRetention()
            // After the app's registrations, so this is the one resolved.
            .AddSingleton(new TableServiceClient(azurite.ConnectionString, requests.Options()))
            .BuildServiceProvider();
        await services.GetRequiredService<PaymentTables>().EnsureCreatedAsync(CancellationToken.None);
        return new RetentionRig(services, requests, time);
    }

    /// A paid booking's partition as the webhook and the consumer leave it: the booking, a payment fact and a Stripe
    /// inbox row per event, an inbox row per consumed message, a history row. Returns the booking id.
    public async Task<string> SeedPaidAsync(int stripeEvents = 2, int messages = 2)
    {
        var bookingId = new BookingIds().Next();
        var now = Time.GetUtcNow();
        var rows = new List<TableEntity> { new(bookingId, RowKeys.Booking) { ["Status"] = "CONFIRMED" }, new(bookingId, RowKeys.History(now, "m0")) };
        await AddStripeEventsAsync(bookingId, stripeEvents, rows);
        await AddMessagesAsync(bookingId, messages, rows);
        await Tables.Bookings.SubmitCheckedAsync([.. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))], CancellationToken.None);
        return bookingId;
    }

    /// More Stripe events for a booking, later (a refund weeks after the payment).
    public async Task AddStripeEventsAsync(string bookingId, int count)
    {
        var rows = new List<TableEntity>();
        await AddStripeEventsAsync(bookingId, count, rows);
        await Tables.Bookings.SubmitCheckedAsync([.. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))], CancellationToken.None);
    }

    /// A record of an event that was not published, as the webhook writes it; returns its row key.
    public async Task<string> RecordEventAsync(string kind, string type)
    {
        var now = Time.GetUtcNow();
        var record = new TableEntity(RowKeys.StripeEventRecordPartition(kind, type), "evt_" + Guid.NewGuid().ToString("N")) { ["ReceivedAt"] = now };
        await Index.FileAsync(RetentionKind.EventRecord, record.PartitionKey, record.RowKey, now, CancellationToken.None);
        await Tables.Lookups.AddCheckedAsync(record, CancellationToken.None);
        return record.RowKey;
    }

    /// One POST under an Idempotency-Key, through the app's key store.
    public async Task ClaimKeyAsync(string userId, string key)
    {
        var http = new DefaultHttpContext { RequestServices = _services };
        http.Request.Method = "POST";
        http.Request.Path = "/api/bookings";
        http.Request.Headers[IdempotencyKeys.HeaderName] = key;
        await _services.GetRequiredService<IdempotencyKeys>().ExecuteAsync(http, userId, "{}"u8.ToArray(), () => Task.FromResult(TypedResults.Created("/api/bookings/1", new { id = 1 })));
    }

    public static async Task<List<string>> RowKeysAsync(TableClient table, string partitionKey)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(KeyFilters.InPartition(partitionKey), select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    public static async Task<int> CountAsync(TableClient table, string? filter = null)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private async Task AddStripeEventsAsync(string bookingId, int count, List<TableEntity> rows)
    {
        var now = Time.GetUtcNow();
        await Index.FileAsync(RetentionKind.StripeInbox, bookingId, null, now, CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            var eventId = "evt_" + Guid.NewGuid().ToString("N");
            rows.Add(new TableEntity(bookingId, RowKeys.PaymentFact(eventId)) { ["Type"] = "payment_succeeded" });
            rows.Add(new TableEntity(bookingId, RowKeys.StripeInbox(eventId)) { ["ReceivedAt"] = now });
        }
    }

    private async Task AddMessagesAsync(string bookingId, int count, List<TableEntity> rows)
    {
        var now = Time.GetUtcNow();
        await Index.FileAsync(RetentionKind.ConsumerInbox, bookingId, null, now, CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            rows.Add(new TableEntity(bookingId, RowKeys.Inbox($"evt_{Guid.NewGuid():N}:payment_intent.succeeded")) { ["ReceivedAt"] = now });
        }
    }
}
