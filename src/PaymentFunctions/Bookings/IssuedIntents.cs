using Azure.Data.Tables;
using PaymentFunctions.Contracts;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// Whether one payment is one a booking issued. A PaymentIntent flow's event is checked by its intent, a Checkout
/// Session's by its session (Stripe names the session: the event's own object, or the session that owns the intent),
/// since the session's intent is made by Stripe when the customer pays and never passes through the app. The current
/// intent or session is on the booking row the consumer reads anyway, so the usual event costs nothing more; an older
/// attempt (or a stranger's) is looked up in the booking's <see cref="RowKeys.Intent"/> and
/// <see cref="RowKeys.CheckoutSession"/> rows, which the issuers write in the same transaction as the booking row and
/// never remove. An intent or session that reached no row never reached the SPA either (its client secret or URL is
/// handed out only after that transaction), so nobody can have paid it through us.
public sealed class IssuedIntents(string paymentIntentId, string? checkoutSessionId = null)
{
    private HashSet<string>? _rows;

    /// The last decision needed the intent rows, which are not read yet.
    public bool NeedsRows { get; private set; }

    /// What the booking must have issued: the session when there is one, else the intent.
    private string Issued => checkoutSessionId ?? paymentIntentId;

    public IntentVerdict Decide(Booking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var current = checkoutSessionId is null ? booking.PaymentIntentId : booking.CheckoutSessionId;
        var verdict = current == Issued ? IntentVerdict.Issued
            : _rows is null ? IntentVerdict.Unknown
            : _rows.Contains(Issued) ? IntentVerdict.Issued
            : IntentVerdict.NotIssued;
        NeedsRows = verdict == IntentVerdict.Unknown;
        return verdict;
    }

    public void Load(IEnumerable<string> issuedIds) => _rows = [.. issuedIds];

    /// Whether the loaded rows hold the intent (or session) this payment must come from.
    public bool RowsHoldIt => _rows?.Contains(Issued) == true;

    /// Every intent and Checkout Session the booking issued: one query over its intent rows (a handful: one per attempt).
    public static async Task<List<string>> ReadAsync(PaymentTables tables, string bookingId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var ids = new List<string>();
        var filter = KeyFilters.InPartitionStartingWith(bookingId, RowKeys.IntentPrefix);
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(filter, select: [IntentIdColumn, SessionIdColumn], cancellationToken: cancellationToken))
        {
            ids.AddRange(IdsOf(row));
        }

        return ids;
    }

    /// The intent, or the Checkout Session, one of the booking's intent rows records.
    public static IEnumerable<string> IdsOf(TableEntity intentRow)
    {
        ArgumentNullException.ThrowIfNull(intentRow);
        return new[] { intentRow.GetString(IntentIdColumn), intentRow.GetString(SessionIdColumn) }.OfType<string>().Where(id => id.Length > 0);
    }

    /// Every intent and session the booking issued, as the consumer decides it: its current ones and those of its rows.
    public static HashSet<string> Of(Booking booking, IEnumerable<string> intentRowIds)
    {
        ArgumentNullException.ThrowIfNull(booking);
        HashSet<string> issued = new(intentRowIds, StringComparer.Ordinal);
        foreach (var current in new[] { booking.PaymentIntentId, booking.CheckoutSessionId }.OfType<string>())
        {
            issued.Add(current);
        }

        return issued;
    }

    /// Whether a payment event is one of those (<see cref="Of"/>): a Checkout payment by its session, else by its intent.
    public static bool Covers(HashSet<string> issued, PaymentEvent paymentEvent)
    {
        ArgumentNullException.ThrowIfNull(issued);
        ArgumentNullException.ThrowIfNull(paymentEvent);
        return issued.Contains(paymentEvent.CheckoutSessionId ?? paymentEvent.PaymentIntentId);
    }

    private const string IntentIdColumn = "PaymentIntentId";
    private const string SessionIdColumn = "CheckoutSessionId";
}

public enum IntentVerdict
{
    Issued,
    NotIssued,

    /// Not the booking's current intent, and its intent rows are not read yet.
    Unknown,
}
