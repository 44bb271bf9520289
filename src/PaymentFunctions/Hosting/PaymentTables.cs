using Microsoft.Extensions.Options;
using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Hosting;

/// The service's tables. Everything that must change atomically for one booking (booking, payment state,
/// inbox, outbox, history rows) lives in one partition of <see cref="Bookings"/>, because an entity group
/// transaction covers one partition of one table.
public sealed class PaymentTables : IDisposable
{
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    public PaymentTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        var prefix = options.Value.TablePrefix;
        Service = service;
        Bookings = service.GetTableClient(prefix + "Bookings");
        Idempotency = service.GetTableClient(prefix + "IdempotencyKeys");
        Lookups = service.GetTableClient(prefix + "Lookups");
    }

    public TableServiceClient Service { get; }

    /// PartitionKey = booking id. RowKeys: "booking", "payment", "inbox|...", "outbox|...", "history|...", "intent|...".
    public TableClient Bookings { get; }

    /// PartitionKey = user id, RowKey = hash of the client's Idempotency-Key.
    public TableClient Idempotency { get; }

    /// Secondary indexes and checkpoints: PaymentIntent id -> booking id, reconciliation checkpoint.
    public TableClient Lookups { get; }

    public void Dispose() => _createLock.Dispose();

    /// Creates the tables once per process. Not at start-up: the app must start (and report 503 on
    /// /api/health) while storage is down, and recover without a restart when it comes back.
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await Bookings.CreateIfNotExistsAsync(cancellationToken);
                await Idempotency.CreateIfNotExistsAsync(cancellationToken);
                await Lookups.CreateIfNotExistsAsync(cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }
}
