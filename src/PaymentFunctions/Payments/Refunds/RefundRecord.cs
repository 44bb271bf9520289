using Azure.Data.Tables;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments.Refunds;

/// A refund we asked Stripe for, kept in the booking's partition ("refund|{re_id}") right after Stripe answered:
/// the cancel's refund is found through it, and staff see what was refunded before Stripe's events arrive.
/// Kind is "cancel" (the owner's cancel, at most one per booking) or "staff".
public sealed record RefundRecord(string BookingId, string RefundId, long Amount, string Currency, string Status, string? Reason, string Kind, string RequestedBy, DateTimeOffset CreatedAt)
{
    public const string CancelKind = "cancel";
    public const string StaffKind = "staff";

    public static RefundRecord Of(string bookingId, Refund refund, string kind, string requestedBy) => new(
        bookingId, refund.Id, refund.Amount, refund.Currency.ToUpperInvariant(), refund.Status, refund.Reason, kind, requestedBy,
        new DateTimeOffset(DateTime.SpecifyKind(refund.Created, DateTimeKind.Utc)));

    public TableEntity ToEntity() => new(BookingId, RowKeys.Refund(RefundId))
    {
        ["RefundId"] = RefundId,
        ["Amount"] = Amount,
        ["Currency"] = Currency,
        ["Status"] = Status,
        ["Reason"] = Reason,
        ["Kind"] = Kind,
        ["RequestedBy"] = RequestedBy,
        ["CreatedAt"] = CreatedAt,
    };

    public static RefundRecord FromEntity(TableEntity entity) => new(
        entity.PartitionKey,
        entity.GetString("RefundId")!,
        entity.GetInt64("Amount") ?? 0,
        entity.GetString("Currency")!,
        entity.GetString("Status")!,
        entity.GetString("Reason"),
        entity.GetString("Kind")!,
        entity.GetString("RequestedBy")!,
        entity.GetDateTimeOffset("CreatedAt") ?? default);

    /// The booking's recorded refunds, oldest first.
    public static async Task<List<RefundRecord>> ListAsync(PaymentTables tables, string bookingId, CancellationToken cancellationToken)
    {
        var records = new List<RefundRecord>();
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(KeyFilters.InPartitionStartingWith(bookingId, RowKeys.RefundPrefix), cancellationToken: cancellationToken))
        {
            records.Add(FromEntity(row));
        }

        return [.. records.OrderBy(r => r.CreatedAt)];
    }

    /// Records it; the same refund recorded twice (a retry) is the same row.
    public Task RecordAsync(PaymentTables tables, CancellationToken cancellationToken) =>
        tables.Bookings.UpsertCheckedAsync(ToEntity(), TableUpdateMode.Replace, cancellationToken);
}
