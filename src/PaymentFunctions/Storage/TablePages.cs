using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// One page of a list and the cursor to the next one (null: the list is done). An operator's list reads one page per
/// call, never everything: a dead-letter queue or the attention list after an incident can hold thousands.
public sealed record ListPage<T>(IReadOnlyList<T> Items, string? Next);

/// One page of a table query per call: one round trip, at most pageSize entities ($top). The cursor is the SDK's
/// continuation token (the service's NextPartitionKey/NextRowKey), base64url-encoded so callers treat it as opaque.
/// A page may hold fewer entities than asked for, even none, and still have a next one: the service ends a page at a
/// partition boundary or after 5 s of work, and it is not followed here, so a call costs one round trip whatever is stored.
public static class TablePages
{
    /// The longest cursor accepted; the service's tokens are a few dozen characters.
    public const int MaxCursorLength = 2048;

    /// The page, or null when the cursor is not one this app handed out (malformed, or refused by the service).
    public static async Task<ListPage<T>?> ReadAsync<T>(
        TableClient table, string filter, int pageSize, string? cursor, IEnumerable<string>? select, Func<TableEntity, T> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(map);
        string? continuation = null;
        if (cursor is not null && !TryDecode(cursor, out continuation))
        {
            return null;
        }

        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken).AsPages(continuation, pageSize))
            {
                return new ListPage<T>([.. page.Values.Select(map)], page.ContinuationToken is { Length: > 0 } next ? Encode(next) : null);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400 && continuation is not null)
        {
            // The filter is ours and valid; what the service refused is the position the cursor named.
            return null;
        }

        return new ListPage<T>([], null);
    }

    private static string Encode(string continuation) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(continuation));

    private static bool TryDecode(string cursor, out string? continuation)
    {
        continuation = null;
        if (cursor.Length is 0 or > MaxCursorLength || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        // The service's tokens are printable ASCII; anything else was not handed out by us.
        if (text.Length == 0 || !text.All(c => c is >= ' ' and <= '~'))
        {
            return false;
        }

        continuation = text;
        return true;
    }
}
