using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// PaymentIntent id -> booking id, so that any event about an intent of ours can find its booking even when the
/// object carries no metadata (charges, disputes). The PaymentIntent issuer writes it before the booking records the
/// intent; for an intent Stripe made for a Checkout Session, the webhook writes it the first time Stripe names the
/// session that owns the intent, with that session.
public static class IntentIndex
{
    public static Task RememberAsync(PaymentTables tables, string intentId, string bookingId, CancellationToken cancellationToken) =>
        RememberAsync(tables, intentId, new IndexedIntent(bookingId, null), cancellationToken);

    public static Task RememberAsync(PaymentTables tables, string intentId, IndexedIntent indexed, CancellationToken cancellationToken) =>
        tables.Lookups.UpsertCheckedAsync(
            new TableEntity(RowKeys.IntentIndexPartition(intentId), RowKeys.IntentIndexRow) { ["BookingId"] = indexed.BookingId, ["CheckoutSessionId"] = indexed.CheckoutSessionId },
            TableUpdateMode.Replace,
            cancellationToken);

    public static async Task<IndexedIntent?> FindAsync(PaymentTables tables, string intentId, CancellationToken cancellationToken) =>
        await tables.Lookups.FindAsync(RowKeys.IntentIndexPartition(intentId), RowKeys.IntentIndexRow, cancellationToken) is { } row
            ? new IndexedIntent(row.GetString("BookingId")!, row.GetString("CheckoutSessionId"))
            : null;
}

/// The booking an intent pays, and the Checkout Session it was made for (null for the PaymentIntent flow).
public sealed record IndexedIntent(string BookingId, string? CheckoutSessionId);
