using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// The status columns of a "refund|{re_id}" row (the refund we asked Stripe for, recorded by the refund issuer).
/// The booking consumer keeps them at the refund's merged status, in the transaction that merges the booking's facts:
/// the booking's ETag orders those writers, and the merged status only moves forward, so the row ends at the furthest
/// status whatever the order of Stripe's events. The issuer never writes them over an existing row.
public static class RefundStatusRow
{
    public const string Status = "Status";
    public const string FailureReason = "FailureReason";

    /// Rows for our own refunds (Kind from our metadata) whose facts changed; merged, so the issuer's columns stay.
    /// <paramref name="currency"/> is the booking's: a refund is in its charge's currency, which the consumer matched
    /// to the booking's before the refund could count.
    public static IEnumerable<TableEntity> Changed(string bookingId, string currency, PaymentFacts before, PaymentFacts after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        foreach (var (refundId, fact) in after.Refunds)
        {
            if (fact.Kind is not null && !Equals(before.Refunds.GetValueOrDefault(refundId), fact))
            {
                yield return Of(bookingId, currency, refundId, fact);
            }
        }
    }

    /// Enough for the issuer's reader when Stripe's event arrives before the issuer recorded the refund.
    private static TableEntity Of(string bookingId, string currency, string refundId, RefundFact fact) => new(bookingId, RowKeys.Refund(refundId))
    {
        ["RefundId"] = refundId,
        ["Amount"] = fact.Amount,
        ["Currency"] = currency,
        ["Kind"] = fact.Kind,
        ["CreatedAt"] = fact.CreatedAt,
        [Status] = fact.Status,
        [FailureReason] = fact.FailureReason,
    };
}
