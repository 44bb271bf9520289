using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace PaymentFunctions.Storage;

/// The service's tables. Everything that must change atomically for one booking (booking, payment state,
/// inbox, outbox, history rows) lives in one partition of <see cref="Bookings"/>, because an entity group
/// transaction covers one partition of one table. Row keys are spelled by <see cref="RowKeys"/> only.
public sealed class PaymentTables : IDisposable
{
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    public PaymentTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        var prefix = options.Value.TablePrefix;
        Service = service;
        Bookings = service.GetTableClient(prefix + "Bookings");
        Idempotency = service.GetTableClient(prefix + "IdempotencyKeys");
        Lookups = service.GetTableClient(prefix + "Lookups");
        Audit = service.GetTableClient(prefix + "Audit");
    }

    public TableServiceClient Service { get; }

    /// PartitionKey = booking id. RowKeys: see <see cref="RowKeys"/> (booking, payment, inbox, outbox, history, intent).
    public TableClient Bookings { get; }

    /// PartitionKey = user id, RowKey = hash of the client's Idempotency-Key.
    public TableClient Idempotency { get; }

    /// Secondary indexes and checkpoints: PaymentIntent id -> booking id, hold expiry, reconciliation checkpoint.
    public TableClient Lookups { get; }

    /// The staff audit trail (<see cref="AuditTrail"/>): append-only, kept apart so that no clean-up of the other
    /// tables can reach it.
    public TableClient Audit { get; }

    public void Dispose() => _createLock.Dispose();

    /// One cheap authenticated round trip (GET /Tables?$top=1) for the health check.
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in Service.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
        {
            return;
        }
    }

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
                await Audit.CreateIfNotExistsAsync(cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }
}
