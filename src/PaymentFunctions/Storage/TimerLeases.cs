using Azure;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// What the Functions host's singleton lock gives its timers, for standalone instances sharing one storage account:
/// each occurrence of a timer runs once, on one instance, and never while another instance still runs the timer.
/// One Lookups row per function holds the last occurrence claimed, who holds the lease and until when; every change
/// is conditional on the row's ETag, so of two instances claiming the same occurrence exactly one wins. A holder that
/// dies lets its lease lapse after <see cref="Duration"/>; one that is still running renews it.
public sealed class TimerLeases(PaymentTables tables, TimeProvider time)
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    /// The lease for this occurrence, or null when it already ran, or another instance holds the timer.
    public async Task<TimerLease?> TryClaimAsync(string functionName, DateTimeOffset occurrence, string holder, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var rowKey = RowKeys.TimerLease(functionName);
        var row = await tables.Lookups.FindAsync(RowKeys.TimerLeasePartition, rowKey, cancellationToken);
        var now = time.GetUtcNow();
        if (row is not null
            && (row.GetDateTimeOffset("LastOccurrence") >= occurrence
                || (row.GetDateTimeOffset("Until") > now && row.GetString("Holder") != holder)))
        {
            return null;
        }

        var claimed = new TableEntity(RowKeys.TimerLeasePartition, rowKey) { ["Holder"] = holder, ["Until"] = now + Duration, ["LastOccurrence"] = occurrence };
        try
        {
            var written = row is null
                ? await tables.Lookups.AddCheckedAsync(claimed, cancellationToken)
                : await tables.Lookups.UpdateCheckedAsync(claimed, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return new TimerLease(this, claimed, written.Headers.ETag!.Value);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return null; // another instance claimed it between our read and our write
        }
    }

    internal async Task<ETag?> WriteAsync(TableEntity row, ETag etag, DateTimeOffset until)
    {
        row["Until"] = until;
        try
        {
            return (await tables.Lookups.UpdateCheckedAsync(row, etag, TableUpdateMode.Replace, CancellationToken.None)).Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return null; // the lease lapsed and another instance took the timer
        }
    }

    internal DateTimeOffset Now => time.GetUtcNow();
}

/// A claimed occurrence: renew it while the function runs, release it when done so the next occurrence need not wait.
public sealed class TimerLease(TimerLeases leases, TableEntity row, ETag etag)
{
    private ETag? _etag = etag;

    /// False once the lease was lost (it lapsed and another instance took it).
    public async Task<bool> RenewAsync()
    {
        if (_etag is { } current)
        {
            _etag = await leases.WriteAsync(row, current, leases.Now + TimerLeases.Duration);
        }

        return _etag is not null;
    }

    public async Task ReleaseAsync()
    {
        if (_etag is { } current)
        {
            _etag = await leases.WriteAsync(row, current, leases.Now);
        }
    }
}
