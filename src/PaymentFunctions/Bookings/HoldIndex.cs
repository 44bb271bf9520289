using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// Which bookings' holds run out when, so the expiry timer reads only the holds that are due. Lookups table,
/// PartitionKey "hold|{yyyyMMddHHmmss}" (the second the hold ends), RowKey = booking id. Entries are deleted once
/// settled, so the partitions up to now hold exactly what is due (plus what a failed run left): a run reads no
/// entry of a hold still running, however many there are. It cannot share a batch with the booking (another
/// table), so it may only ever say too much: an entry is written before the booking, and expiry drops entries
/// whose booking is gone or settled.
public static class HoldIndex
{
    public static string Bucket(DateTimeOffset holdExpiresAt) => RowKeys.HoldBucket(holdExpiresAt);

    public static async Task AddAsync(PaymentTables tables, string bookingId, DateTimeOffset holdExpiresAt, CancellationToken cancellationToken) =>
        await tables.Lookups.UpsertCheckedAsync(new TableEntity(Bucket(holdExpiresAt), bookingId), TableUpdateMode.Replace, cancellationToken);

    public static async Task RemoveAsync(PaymentTables tables, TableEntity entry, CancellationToken cancellationToken) =>
        await tables.Lookups.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, cancellationToken: cancellationToken);

    /// Entries of every second up to and including the current one (fixed-width keys sort like the times; the
    /// hour buckets "hold|{yyyyMMddHH}" of earlier versions sort among them and are read as due, then re-filed).
    public static IAsyncEnumerable<TableEntity> DueAsync(PaymentTables tables, DateTimeOffset now, CancellationToken cancellationToken) =>
        tables.Lookups.QueryAsync<TableEntity>(
            KeyFilters.PartitionsBetween(RowKeys.HoldPrefix, Bucket(now)),
            select: ["PartitionKey", "RowKey"],
            cancellationToken: cancellationToken);
}
