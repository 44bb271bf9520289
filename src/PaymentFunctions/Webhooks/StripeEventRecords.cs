using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// A Stripe event recorded for a person instead of published (WebhookProcessor.RecordAsync writes it), as listed.
public sealed record StripeEventRecord(string EventId, string Type, string Kind, DateTimeOffset? Created, DateTimeOffset? ReceivedAt, string? Problem);

/// The events recorded as unmatched or unprocessable: what a person has to look at. Listed a page at a time, one
/// range of Lookups partitions per kind (one partition with a type); cleared once a replay has stored the event.
public static class StripeEventRecords
{
    public const string Unmatched = "unmatched";
    public const string Unprocessable = "unprocessable";

    public static readonly IReadOnlyList<string> NeedAPerson = [Unmatched, Unprocessable];

    // DataObject (up to 16 KiB each) is left out of lists: GET /v1/events/{id} at Stripe shows the whole event.
    private static readonly string[] Columns = ["PartitionKey", "RowKey", "Created", "ReceivedAt", "Problem"];

    public static async Task<ListPage<StripeEventRecord>?> ListAsync(PaymentTables tables, string kind, string? type, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = type is null
            ? KeyFilters.PartitionsStartingWith(RowKeys.StripeEventRecordKindPrefix(kind))
            : KeyFilters.InPartition(RowKeys.StripeEventRecordPartition(kind, type));
        return await TablePages.ReadAsync(tables.Lookups, filter, pageSize, cursor, Columns, row => FromEntity(kind, row), cancellationToken);
    }

    /// The event is stored now: it needs no person any more. Its records of both kinds go (a delete each).
    public static async Task ClearAsync(PaymentTables tables, Event stripeEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(stripeEvent);
        foreach (var kind in NeedAPerson)
        {
            try
            {
                await tables.Lookups.DeleteEntityAsync(RowKeys.StripeEventRecordPartition(kind, stripeEvent.Type), RowKeys.StripeEventRecordRow(stripeEvent.Id), ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Never recorded as this kind.
            }
        }
    }

    private static StripeEventRecord FromEntity(string kind, TableEntity row) =>
        new(row.RowKey, RowKeys.StripeEventRecordType(row.PartitionKey), kind, row.GetDateTimeOffset("Created"), row.GetDateTimeOffset("ReceivedAt"), row.GetString("Problem"));
}
