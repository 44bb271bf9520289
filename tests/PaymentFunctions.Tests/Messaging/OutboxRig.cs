using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Messaging;

/// The outbox's parts wired as the app wires them (AddStorage, AddMessaging, the booking updater), without a host, so
/// a test owns every storage request they make: real Azurite under its own table prefix, the production Service Bus
/// publisher over a recording client, a FakeTimeProvider, and each request recorded with its table, filter and the
/// entities it returned.
public sealed class OutboxRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private OutboxRig(ServiceProvider services, StorageRequests requests, RecordingServiceBusClient bus, FakeTimeProvider time)
    {
        _services = services;
        Requests = requests;
        Bus = bus;
        Time = time;
    }

    public StorageRequests Requests { get; }

    public RecordingServiceBusClient Bus { get; }

    public FakeTimeProvider Time { get; }

    public PaymentTables Tables => _services.GetRequiredService<PaymentTables>();

    public PendingOutbox Pending => _services.GetRequiredService<PendingOutbox>();

    public OutboxSweeper Sweeper => _services.GetRequiredService<OutboxSweeper>();

    public BookingUpdater Updater => _services.GetRequiredService<BookingUpdater>();

    public FaultInjection Faults => _services.GetRequiredService<FaultInjection>();

    public static async Task<OutboxRig> StartAsync(int sweepMaxEntries = 2000)
    {
        var azurite = await AzuriteServer.Shared;
        var requests = new StorageRequests();
        var bus = new RecordingServiceBusClient();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 30, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = "r" + Guid.NewGuid().ToString("N")[..10],
            ["ServiceBus:FullyQualifiedNamespace"] = bus.FullyQualifiedNamespace,
            ["Outbox:SweepMaxEntries"] = sweepMaxEntries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddStorage()
            .AddMessaging(configuration)
            // After the app's registrations, so these are the ones resolved.
            .AddSingleton(new TableServiceClient(azurite.ConnectionString, requests.Options()))
            .AddSingleton<ServiceBusClient>(bus)
            .AddSingleton<BookingUpdater>()
            .BuildServiceProvider();
        await services.GetRequiredService<OutboxCleanup>().StartAsync(CancellationToken.None);
        await services.GetRequiredService<PaymentTables>().EnsureCreatedAsync(CancellationToken.None);
        return new OutboxRig(services, requests, bus, time);
    }

    /// An unpaid booking, as the SPA's create leaves it.
    public async Task<Booking> SeedPendingAsync()
    {
        var now = Time.GetUtcNow();
        var booking = new Booking
        {
            Id = new BookingIds().Next(), UserId = "user-1", TicketTypeId = "standard", Quantity = 1, Amount = 2500, Currency = "eur",
            Status = BookingStatus.PENDING, CreatedAt = now, UpdatedAt = now, HoldExpiresAt = now.AddMinutes(30),
        };
        await Tables.Bookings.AddCheckedAsync(booking.ToEntity(), CancellationToken.None);
        return booking;
    }

    /// A booking long settled: its row and what its payment left (inbox, payment fact, history), no outbox row.
    public async Task SeedSettledAsync(int count)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            var id = new BookingIds().Next();
            var rows = new[] { RowKeys.Booking, RowKeys.StripeInbox("evt_" + id), RowKeys.PaymentFact("evt_" + id), RowKeys.History(Time.GetUtcNow(), "evt_" + id) };
            await Tables.Bookings.SubmitCheckedAsync([.. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(id, r) { ["Status"] = "CONFIRMED" }))], ct);
        });
    }

    /// Expires the booking through the booking updater, as the expiry timer does (a cause no one redelivers).
    public Task<BookingUpdate> ExpireAsync(Booking booking, OutboxRecovery recovery = OutboxRecovery.Sweeper, bool redelivered = false)
    {
        var causationId = $"expiry:{booking.Id}:none";
        var now = Time.GetUtcNow();
        return Updater.ApplyAsync(booking.Id, causationId, "booking.expired", fresh => BookingStateMachine.Expire(fresh.Facts, now, causationId), recovery, redelivered, CancellationToken.None);
    }

    public async Task<List<TableEntity>> OutboxRowsAsync(string bookingId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Tables.Bookings.QueryAsync<TableEntity>(KeyFilters.InPartitionStartingWith(bookingId, RowKeys.OutboxPrefix)))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// Every entry of the pending-outbox index, whatever its age.
    public async Task<List<PendingEntry>> EntriesAsync()
    {
        var entries = new List<PendingEntry>();
        await foreach (var entry in Pending.ReadAsync(Time.GetUtcNow().AddMinutes(1), int.MaxValue, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.GetRequiredService<OutboxCleanup>().StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
