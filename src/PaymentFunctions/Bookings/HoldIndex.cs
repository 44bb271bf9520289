using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// Which bookings' holds run out when, so the expiry timer reads a few index rows instead of scanning every
/// row of every booking each minute. Lookups table, PartitionKey "hold|{yyyyMMddHH}" (the hour the hold ends),
/// RowKey = booking id. It cannot share a batch with the booking (another table), so it may only ever say too
/// much: an entry is written before the booking, and expiry drops entries whose booking is gone or settled.
public static class HoldIndex
{
    public static string Bucket(DateTimeOffset holdExpiresAt) => RowKeys.HoldBucket(holdExpiresAt);

    public static async Task AddAsync(PaymentTables tables, string bookingId, DateTimeOffset holdExpiresAt, CancellationToken cancellationToken) =>
        await tables.Lookups.UpsertCheckedAsync(new TableEntity(Bucket(holdExpiresAt), bookingId), TableUpdateMode.Replace, cancellationToken);

    public static async Task RemoveAsync(PaymentTables tables, TableEntity entry, CancellationToken cancellationToken) =>
        await tables.Lookups.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, cancellationToken: cancellationToken);

    /// Entries of every hour up to and including the current one (fixed-width keys sort like the times).
    public static IAsyncEnumerable<TableEntity> DueAsync(PaymentTables tables, DateTimeOffset now, CancellationToken cancellationToken) =>
        tables.Lookups.QueryAsync<TableEntity>(
            KeyFilters.PartitionsBetween(RowKeys.HoldPrefix, Bucket(now)),
            select: ["PartitionKey", "RowKey"],
            cancellationToken: cancellationToken);
}
