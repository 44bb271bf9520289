using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Operations;

/// One page of the backfill: which scan it read, the rows it read, the index entries it filed (one per target and
/// hour), and the cursor of the next page (null once every scan is done).
public sealed record BackfillPage(string Scan, int Rows, int Entries, string? Next);

/// Files retention index entries (<see cref="RetentionIndex"/>) for rows written before the index existed, so that
/// the retention timer deletes them as it deletes any other. It reads whole tables, which the timer must never do, so
/// it is a one-off for an operator, a page per call (PageQuery's size, one query round trip), resumed by its cursor:
/// - "inbox": the Bookings table's inbox rows (the service filters by row key; booking, fact and history rows never
///   leave it), filed by ReceivedAt, Stripe's apart from the rest;
/// - "idempotency-keys": every key, filed by ExpiresAt;
/// - "event-records": the records of unpublished Stripe events in Lookups (one key range), filed by ReceivedAt.
/// Entries are upserts filed before the cursor is handed out, so calling with a cursor again, or after a crash, files
/// the same entries and nothing more; rows the index already covers get the entry they have.
public sealed class RetentionBackfill(PaymentTables tables, RetentionIndex index, AuditTrail audit)
{
    private static readonly Scan[] Scans =
    [
        new("inbox", t => t.Bookings, KeyFilters.RowKeyStartingWith(RowKeys.InboxPrefix), "ReceivedAt",
            row => row.RowKey.StartsWith(RowKeys.StripeInboxPrefix, StringComparison.Ordinal) ? RetentionKind.StripeInbox : RetentionKind.ConsumerInbox, OneRow: false),
        new("idempotency-keys", t => t.Idempotency, null, "ExpiresAt", _ => RetentionKind.IdempotencyKeys, OneRow: false),
        new("event-records", t => t.Lookups, KeyFilters.PartitionsStartingWith(RowKeys.StripeEventRecordPrefix), "ReceivedAt", _ => RetentionKind.EventRecord, OneRow: true),
    ];

    /// The page the cursor names (the first of the first scan without one), or null for a cursor not handed out here.
    /// The read changes nothing, so a refused cursor leaves no trace; the filing is audited.
    public async Task<BackfillPage?> FileAsync(string staffUserId, PageQuery page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!TryRead(page.Cursor, out var at, out var position))
        {
            return null;
        }

        await tables.EnsureCreatedAsync(cancellationToken);
        var scan = Scans[at];
        var columns = new[] { "PartitionKey", "RowKey", scan.TimeColumn };
        if (await TablePages.ReadAsync(scan.Table(tables), scan.Filter ?? "", page.PageSize, position, columns, row => row, cancellationToken) is not { } rows)
        {
            return null;
        }

        // A row without its time column is left alone: the timer's delete compares that column, so it could not go.
        var entries = rows.Items
            .Where(row => row.GetDateTimeOffset(scan.TimeColumn) is not null)
            .Select(row => (Kind: scan.KindOf(row), row.PartitionKey, Row: scan.OneRow ? row.RowKey : null, At: LastMinuteOfHour(row.GetDateTimeOffset(scan.TimeColumn)!.Value)))
            .Distinct()
            .ToList();
        var next = rows.Next is not null ? Cursor(at, rows.Next) : at + 1 < Scans.Length ? Cursor(at + 1, null) : null;
        var filed = new BackfillPage(scan.Name, rows.Items.Count, entries.Count, next);
        return await audit.RunAsync(
            new StaffAction(staffUserId, AuditActions.BackfillRetention, Target: scan.Name),
            async () =>
            {
                // Concurrent, so the index's group commit puts them in a few transactions.
                await Task.WhenAll(entries.Select(e => index.FileAsync(e.Kind, e.PartitionKey, e.Row, e.At, cancellationToken)));
                return filed;
            },
            Describe,
            cancellationToken);
    }

    /// A scan reads in key order, so a page's rows come from any time: filed by minute, their entries would land in
    /// as many index partitions (a transaction each). Filed under the last minute of their hour, a page's entries share
    /// up to 60 times fewer; the timer takes the entry when that minute is due, and then the row is due too (its
    /// delete compares the row's own time), at most an hour after its window.
    private static DateTimeOffset LastMinuteOfHour(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 59, 0, TimeSpan.Zero);
    }

    private static string Describe(BackfillPage page) => string.Create(CultureInfo.InvariantCulture, $"{page.Rows} rows, {page.Entries} entries filed");

    /// "{scan}.{position}": the scan's index and the table's own cursor (TablePages'; empty at a scan's start).
    private static string Cursor(int scan, string? position) => string.Create(CultureInfo.InvariantCulture, $"{scan}.{position}");

    private static bool TryRead(string? cursor, out int scan, out string? position)
    {
        (scan, position) = (0, null);
        if (cursor is null)
        {
            return true;
        }

        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (dot != 1 || !int.TryParse(cursor.AsSpan(0, 1), NumberStyles.None, CultureInfo.InvariantCulture, out scan) || scan >= Scans.Length)
        {
            return false;
        }

        position = dot + 1 < cursor.Length ? cursor[(dot + 1)..] : null;
        return true;
    }

    private sealed record Scan(string Name, Func<PaymentTables, TableClient> Table, string? Filter, string TimeColumn, Func<TableEntity, RetentionKind> KindOf, bool OneRow);
}
