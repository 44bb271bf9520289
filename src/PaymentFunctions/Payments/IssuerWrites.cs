using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// What both issuers (PaymentIntents, Checkout Sessions) write, always under the booking's ETag, so of concurrent writers
/// (in this instance or another) exactly one wins and the others read the booking again.
public static class IssuerWrites
{
    /// The booking row with its new current intent or session, and the row that says the booking issued it, in one
    /// transaction; false when the booking changed since it was read (a lost race).
    public static async Task<bool> RecordAsync(PaymentTables tables, Booking updated, ETag readAt, TableEntity issuedRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(updated);
        try
        {
            await tables.Bookings.SubmitCheckedAsync(
                [new(TableTransactionActionType.UpdateReplace, updated.ToEntity(), readAt), new(TableTransactionActionType.UpsertReplace, issuedRow)],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex is { FailedTransactionActionIndex: 0, Status: 412 })
        {
            return false;
        }
    }

    /// Marks an attempt as used without an intent or session (its Stripe key can never succeed); a lost race just
    /// reads again in the caller's loop.
    public static async Task SkipAttemptAsync(PaymentTables tables, Booking booking, string attemptColumn, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(booking);
        try
        {
            await tables.Bookings.UpdateCheckedAsync(new TableEntity(booking.Id, RowKeys.Booking) { [attemptColumn] = attempt }, booking.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Someone else changed the booking: the caller's loop reads it again.
        }
    }
}
