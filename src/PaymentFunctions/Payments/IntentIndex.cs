using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// PaymentIntent id -> booking id, written before the booking records the intent, so that any event about
/// an intent we created can find its booking even when the object carries no metadata (charges, disputes).
public static class IntentIndex
{
    public static Task RememberAsync(PaymentTables tables, string intentId, string bookingId, CancellationToken cancellationToken) =>
        tables.Lookups.UpsertCheckedAsync(new TableEntity(RowKeys.IntentIndexPartition(intentId), RowKeys.IntentIndexRow) { ["BookingId"] = bookingId }, TableUpdateMode.Replace, cancellationToken);

    public static async Task<string?> FindBookingAsync(PaymentTables tables, string intentId, CancellationToken cancellationToken) =>
        (await tables.Lookups.FindAsync(RowKeys.IntentIndexPartition(intentId), RowKeys.IntentIndexRow, cancellationToken))?.GetString("BookingId");
}
