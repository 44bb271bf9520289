using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Payments;

/// PaymentIntent id -> booking id, written before the booking records the intent, so that any event about
/// an intent we created can find its booking even when the object carries no metadata (charges, disputes).
public static class IntentIndex
{
    private const string RowKey = "booking";

    public static Task RememberAsync(PaymentTables tables, string intentId, string bookingId, CancellationToken cancellationToken) =>
        tables.Lookups.UpsertEntityAsync(new TableEntity(intentId, RowKey) { ["BookingId"] = bookingId }, TableUpdateMode.Replace, cancellationToken);

    public static async Task<string?> FindBookingAsync(PaymentTables tables, string intentId, CancellationToken cancellationToken) =>
        (await tables.Lookups.GetEntityAsync(intentId, RowKey, ct: cancellationToken))?.GetString("BookingId");
}
