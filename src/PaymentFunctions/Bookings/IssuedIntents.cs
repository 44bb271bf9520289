using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// Whether one PaymentIntent is one a booking issued. Its current intent is on the booking row the consumer reads
/// anyway, so the usual event costs nothing more; an older attempt (or a stranger's intent) is looked up in the
/// booking's <see cref="RowKeys.Intent"/> rows, which the issuer writes in the same transaction as the booking row
/// and never removes. An intent that reached no intent row never reached the SPA either (its client secret is
/// handed out only after that transaction), so nobody can have paid it through us.
public sealed class IssuedIntents(string paymentIntentId)
{
    private HashSet<string>? _rows;

    /// The last decision needed the intent rows, which are not read yet.
    public bool NeedsRows { get; private set; }

    public IntentVerdict Decide(Booking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var verdict = booking.PaymentIntentId == paymentIntentId ? IntentVerdict.Issued
            : _rows is null ? IntentVerdict.Unknown
            : _rows.Contains(paymentIntentId) ? IntentVerdict.Issued
            : IntentVerdict.NotIssued;
        NeedsRows = verdict == IntentVerdict.Unknown;
        return verdict;
    }

    public void Load(IEnumerable<string> issuedIntentIds) => _rows = [.. issuedIntentIds];

    /// Whether the loaded intent rows hold the intent.
    public bool Contains(string intentId) => _rows?.Contains(intentId) == true;

    /// Every intent the booking issued: one query over its intent rows (a handful: one per attempt).
    public static async Task<List<string>> ReadAsync(PaymentTables tables, string bookingId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var ids = new List<string>();
        var filter = KeyFilters.InPartitionStartingWith(bookingId, RowKeys.IntentPrefix);
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(filter, select: [IntentIdColumn], cancellationToken: cancellationToken))
        {
            if (IntentIdOf(row) is { } id)
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    /// The intent one of the booking's <see cref="RowKeys.Intent"/> rows records, if any.
    public static string? IntentIdOf(TableEntity intentRow)
    {
        ArgumentNullException.ThrowIfNull(intentRow);
        return intentRow.GetString(IntentIdColumn) is { Length: > 0 } id ? id : null;
    }

    /// Every intent the booking issued, as the consumer decides it: its current one and those of its intent rows.
    public static HashSet<string> Of(Booking booking, IEnumerable<string> intentRowIds)
    {
        ArgumentNullException.ThrowIfNull(booking);
        HashSet<string> issued = new(intentRowIds, StringComparer.Ordinal);
        if (booking.PaymentIntentId is { } current)
        {
            issued.Add(current);
        }

        return issued;
    }

    private const string IntentIdColumn = "PaymentIntentId";
}

public enum IntentVerdict
{
    Issued,
    NotIssued,

    /// Not the booking's current intent, and its intent rows are not read yet.
    Unknown,
}
