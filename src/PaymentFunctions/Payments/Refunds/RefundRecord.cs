using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments.Refunds;

/// A refund we asked Stripe for, kept in the booking's partition ("refund|{re_id}") right after Stripe answered:
/// the cancel's refund is found through it, and staff see what was refunded before Stripe's events arrive.
/// Kind is "cancel" (the owner's cancel, at most one per booking) or "staff". Status starts as Stripe's answer and
/// then follows Stripe's refund events (<see cref="RefundStatusRow"/>): a refund that failed later says "failed",
/// with Stripe's failure_reason.
public sealed record RefundRecord(string BookingId, string RefundId, long Amount, string Currency, string Status, string? Reason, string Kind, string RequestedBy, DateTimeOffset CreatedAt, string? FailureReason = null)
{
    public const string CancelKind = "cancel";
    public const string StaffKind = "staff";

    public static RefundRecord Of(string bookingId, Refund refund, string kind, string requestedBy) => new(
        bookingId, refund.Id, refund.Amount, refund.Currency.ToUpperInvariant(), refund.Status, refund.Reason, kind, requestedBy,
        new DateTimeOffset(DateTime.SpecifyKind(refund.Created, DateTimeKind.Utc)), refund.FailureReason);

    public bool Failed => RefundFact.IsFailed(Status);

    public TableEntity ToEntity()
    {
        var entity = IssuerColumns();
        entity[RefundStatusRow.Status] = Status;
        entity[RefundStatusRow.FailureReason] = FailureReason;
        return entity;
    }

    /// Everything but the status, which Stripe's events may already have moved on.
    private TableEntity IssuerColumns() => new(BookingId, RowKeys.Refund(RefundId))
    {
        ["RefundId"] = RefundId,
        ["Amount"] = Amount,
        ["Currency"] = Currency,
        ["Reason"] = Reason,
        ["Kind"] = Kind,
        ["RequestedBy"] = RequestedBy,
        ["CreatedAt"] = CreatedAt,
    };

    /// <paramref name="currency"/> (the booking's) stands in for a row recorded before the consumer wrote the currency
    /// with Stripe's first event: a refund is in its charge's currency, the booking's.
    public static RefundRecord FromEntity(TableEntity entity, string currency) => new(
        entity.PartitionKey,
        entity.GetString("RefundId")!,
        entity.GetInt64("Amount") ?? 0,
        entity.GetString("Currency") ?? currency,
        entity.GetString(RefundStatusRow.Status)!,
        entity.GetString("Reason"),
        entity.GetString("Kind")!,
        // Missing only while Stripe's event was first (Bookings/RefundStatusRow.cs) and the issuer has not recorded it yet.
        entity.GetString("RequestedBy") ?? "",
        entity.GetDateTimeOffset("CreatedAt") ?? default,
        entity.GetString(RefundStatusRow.FailureReason));

    /// The booking's recorded refunds, oldest first.
    public static async Task<List<RefundRecord>> ListAsync(PaymentTables tables, Booking booking, CancellationToken cancellationToken)
    {
        var records = new List<RefundRecord>();
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(KeyFilters.InPartitionStartingWith(booking.Id, RowKeys.RefundPrefix), cancellationToken: cancellationToken))
        {
            records.Add(FromEntity(row, booking.Currency));
        }

        return [.. records.OrderBy(r => r.CreatedAt)];
    }

    /// Records it; the same refund recorded twice (a retry) is the same row. When the row exists (a retry, or Stripe's
    /// events came first), Stripe's answer is older than what is there: only the issuer's own columns are merged, so a
    /// refund that already failed is never recorded back as succeeded.
    public async Task RecordAsync(PaymentTables tables, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Bookings.AddCheckedAsync(ToEntity(), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await tables.Bookings.UpdateCheckedAsync(IssuerColumns(), ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
    }
}
