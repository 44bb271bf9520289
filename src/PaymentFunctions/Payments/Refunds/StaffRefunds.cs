using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments.Refunds;

/// Partial (or whole) refunds by staff of any paid booking, never more than is left. The Stripe key comes from the
/// request's required Idempotency-Key ("refund-staff:{booking}:{hash of staff user and key}"), so a retry after a
/// crash between Stripe's answer and our write gets the same refund back instead of a second one. Each call is in the
/// audit trail: a refusal before Stripe is asked as one row, a refund asked of Stripe as "requested" then "done".
/// The audit rows cannot share a transaction with the refund record: the record is written after Stripe answers,
/// while "requested" must be stored before Stripe is asked, and they live in other tables (the trail outlives the
/// booking's rows). So the trail says who asked for which refund; the record says what Stripe made of it.
public sealed class StaffRefunds(PaymentTables tables, BookingService bookings, RefundIssuer refunds, AuditTrail audit)
{
    public static readonly IReadOnlySet<string> Reasons = new HashSet<string> { "duplicate", "fraudulent", "requested_by_customer" };

    public async Task<RefundResult> RefundAsync(string staffUserId, string bookingId, long amount, string reason, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            return await RefundOnceAsync(staffUserId, bookingId, amount, reason, idempotencyKey, cancellationToken);
        }
        catch (StripeException ex)
        {
            return refunds.Failed(ex, bookingId);
        }
    }

    public static string StripeKey(string bookingId, string staffUserId, string idempotencyKey) =>
        string.Create(CultureInfo.InvariantCulture, $"refund-staff:{bookingId}:{Hash(staffUserId + "\n" + idempotencyKey)}");

    private async Task<RefundResult> RefundOnceAsync(string staffUserId, string bookingId, long amount, string reason, string idempotencyKey, CancellationToken cancellationToken)
    {
        var action = new StaffAction(staffUserId, AuditActions.Refund, bookingId, Amount: amount, IdempotencyKey: idempotencyKey);
        if (await bookings.FindAsync(bookingId, cancellationToken) is not { } booking)
        {
            await audit.RecordAsync(action, AuditTrail.Refused, "no such booking", cancellationToken);
            return new RefundResult(RefundOutcome.NotFound);
        }

        action = action with { Currency = booking.Currency };
        // REFUND_FAILED: an earlier refund failed at Stripe and staff refund again, under their new Idempotency-Key.
        if (booking.Status is not (BookingStatus.CONFIRMED or BookingStatus.REFUND_FAILED))
        {
            await audit.RecordAsync(action, AuditTrail.Refused, $"booking is {booking.Status}", cancellationToken);
            return RefundResult.Conflict(booking.Status switch
            {
                BookingStatus.DISPUTED => "The booking's payment is disputed; refunding it now could pay the customer twice.",
                BookingStatus.CANCELLED => "The booking is cancelled; there is nothing left to refund.",
                _ => "The booking is not paid.",
            });
        }

        var recorded = await RefundRecord.ListAsync(tables, booking, cancellationToken);
        var left = booking.Amount - RefundIssuer.RefundedSoFar(booking, recorded);
        var tooMuch = RefundResult.Conflict(string.Create(CultureInfo.InvariantCulture, $"At most {left} ({booking.Currency} minor units) is left to refund on this booking; {amount} was asked for."));

        // Even beyond what is left this may be the retry of a refund whose own event already counts it: only Stripe
        // can tell (same key: the same refund back; a new key: its refusal, answered as tooMuch).
        var result = await audit.RunAsync(
            action,
            () => refunds.RefundAsync(booking, amount, reason, RefundRecord.StaffKind, staffUserId, StripeKey(bookingId, staffUserId, idempotencyKey), recorded, cancellationToken),
            Outcome,
            cancellationToken);
        return result.Outcome == RefundOutcome.Conflict ? tooMuch : result;
    }

    /// Our own words only: a Stripe message may echo what it was sent.
    private static string Outcome(RefundResult result) => result.Answer?.Refund is { } refund
        ? $"refund {refund.Id} {refund.Status}"
        : result.StripeRequestId is { } requestId ? $"{result.Outcome} (Stripe request {requestId})" : result.Outcome.ToString();

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
