using System.Globalization;
using System.Net;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments.Refunds;

/// The owner's cancel. Unpaid (PENDING, PAYMENT_FAILED): the open PaymentIntent is canceled (or the open Checkout
/// Session expired) at Stripe first (so it can no longer be paid), then the booking is CANCELLED through the
/// exactly-once update. Paid (CONFIRMED, or an intent Stripe reports succeeded, or a complete and paid session): one
/// full refund under the key "refund-cancel:{booking}", recorded, answered 202; the
/// booking becomes CANCELLED (refunded) when Stripe's charge.refunded arrives through the webhook pipeline. Repeats
/// and concurrent cancels get the same answer and never a second refund. A refund that failed later (REFUND_FAILED)
/// is a 409: the cancel does not refund again (see <see cref="RefundFailedConflict"/>).
public sealed class BookingCancellation(
    PaymentTables tables,
    BookingService bookings,
    BookingUpdater updater,
    RefundIssuer refunds,
    StripeClient stripe,
    TimeProvider time,
    ILogger<BookingCancellation> logger)
{
    public const string Cause = "booking.cancelled_by_customer";
    private const int MaxAttempts = 3;

    public async Task<RefundResult> CancelAsync(string userId, string bookingId, CancellationToken cancellationToken)
    {
        try
        {
            return await CancelOnceAsync(userId, bookingId, cancellationToken);
        }
        catch (StripeException ex)
        {
            return refunds.Failed(ex, bookingId);
        }
        catch (Exception ex) when (StripeFailure.IsUnreachable(ex, cancellationToken))
        {
            return refunds.Unreachable(ex, bookingId);
        }
    }

    public static string IdempotencyKey(string bookingId) => string.Create(CultureInfo.InvariantCulture, $"refund-cancel:{bookingId}");

    /// Concurrent cancels of one booking need no turns: they refund under one key (one refund at Stripe), record it as
    /// one row, cancel an unpaid booking through one cause (the commit's inbox applies it once), and a cancel that finds
    /// the booking changed under it looks again.
    private async Task<RefundResult> CancelOnceAsync(string userId, string bookingId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await bookings.FindOwnedAsync(userId, bookingId, cancellationToken) is not { } booking)
            {
                return new RefundResult(RefundOutcome.NotFound);
            }

            var recorded = await RefundRecord.ListAsync(tables, booking, cancellationToken);
            // A failed cancel refund that staff have since answered with a newer refund is still the cancel's answer.
            if (recorded.Find(r => r.Kind == RefundRecord.CancelKind) is { } earlier && booking.Status != BookingStatus.REFUND_FAILED)
            {
                return new RefundResult(RefundOutcome.Refunding, RefundIssuer.Answer(booking, recorded, earlier));
            }

            var result = booking.Status switch
            {
                BookingStatus.DISPUTED => RefundResult.Conflict("The booking's payment is disputed; it cannot be cancelled while the dispute is open."),
                BookingStatus.REFUND_FAILED => RefundFailedConflict(booking.Facts.UnresolvedRefundFailure),
                BookingStatus.CANCELLED => await AlreadyCancelledAsync(booking, userId, recorded, cancellationToken),
                BookingStatus.CONFIRMED => await RefundAsync(booking, userId, recorded, cancellationToken),
                _ => await CancelUnpaidAsync(booking, userId, recorded, cancellationToken),
            };
            if (result is not null)
            {
                return result;
            }
        }

        throw new InvalidOperationException($"Booking {bookingId} kept changing while it was cancelled ({MaxAttempts} attempts).");
    }

    /// Cancelled without money kept (expired, intent canceled, cancelled before): the cancel is already done. Lost in
    /// a dispute: nothing left to cancel. Refunded: maybe by our own cancel that crashed before recording its refund
    /// (its charge.refunded may arrive first), so Stripe is asked again under the cancel's key - it replays our refund,
    /// or refuses because someone else refunded everything (409).
    private async Task<RefundResult> AlreadyCancelledAsync(Booking booking, string userId, List<RefundRecord> recorded, CancellationToken cancellationToken) =>
        BookingStateMachine.CancellationReason(booking.Facts, booking.Amount) switch
        {
            "refunded" => await RefundAsync(booking, userId, recorded, cancellationToken),
            "dispute_lost" => RefundResult.Conflict("The booking was lost in a dispute; there is nothing left to cancel."),
            _ => new RefundResult(RefundOutcome.Cancelled, RefundIssuer.Answer(booking, recorded, null)),
        };

    /// The cancel never asks Stripe again: its key would only replay the failed refund (Stripe keeps an answer under its
    /// key for 24 h), and a new refund to the same card would most likely fail the same way. Staff refund it again
    /// (POST /api/admin/bookings/{id}/refunds, a new key), to the card or another way.
    private static RefundResult RefundFailedConflict(KeyValuePair<string, RefundFact>? failed) =>
        RefundResult.Conflict($"The booking's refund {failed?.Key} failed at Stripe ({failed?.Value.FailureReason ?? "unknown"}): nothing was refunded. Our staff have been told and will refund it another way.");

    /// Always through Stripe, even when our facts say nothing is left: only the key tells our own refund from others'.
    private Task<RefundResult> RefundAsync(Booking booking, string userId, List<RefundRecord> recorded, CancellationToken cancellationToken) =>
        refunds.RefundAsync(booking, amount: null, "requested_by_customer", RefundRecord.CancelKind, userId, IdempotencyKey(booking.Id), recorded, cancellationToken);

    /// Null when the booking changed under us (a new intent, a payment): the caller looks again.
    private async Task<RefundResult?> CancelUnpaidAsync(Booking booking, string userId, List<RefundRecord> recorded, CancellationToken cancellationToken)
    {
        if (booking.CheckoutSessionId is { } sessionId && await CheckoutSessionClosing.ExpireAsync(stripe, sessionId, null, cancellationToken) is { Status: "complete" } session)
        {
            // Paid after all (its events have not reached the booking yet): cancelling it means refunding the session's
            // intent. A delayed payment still under way cannot be refunded yet.
            return session.PaymentStatus == "paid"
                ? await RefundAsync(booking with { PaymentIntentId = session.PaymentIntentId }, userId, recorded, cancellationToken)
                : RefundResult.Conflict("The booking's payment is processing at Stripe; cancel again once it has settled.");
        }

        if (booking.PaymentIntentId is { } intentId)
        {
            var status = await CancelIntentAsync(booking.Id, intentId, cancellationToken);
            if (status == "succeeded")
            {
                // Paid after all; its success event has not reached the booking yet. Cancelling it means refunding it.
                return await RefundAsync(booking, userId, recorded, cancellationToken);
            }

            if (status != "canceled")
            {
                return RefundResult.Conflict($"The booking's payment is {status} at Stripe; cancel again once it has settled.");
            }
        }

        var causationId = $"cancel:{booking.Id}";
        var update = await updater.ApplyAsync(
            booking.Id,
            causationId,
            Cause,
            fresh => fresh.Status is BookingStatus.PENDING or BookingStatus.PAYMENT_FAILED && fresh.PaymentIntentId == booking.PaymentIntentId && fresh.CheckoutSessionId == booking.CheckoutSessionId
                ? BookingStateMachine.CancelByCustomer(fresh.Facts, time.GetUtcNow(), causationId)
                : null,
            cancellationToken);
        if (update.To != BookingStatus.CANCELLED)
        {
            return null;
        }

        logger.LogInformation("Booking {BookingId} cancelled by its owner before payment (intent {IntentId}, Checkout Session {SessionId})", booking.Id, booking.PaymentIntentId ?? "none", booking.CheckoutSessionId ?? "none");
        return new RefundResult(RefundOutcome.Cancelled, RefundIssuer.Answer(booking with { Status = BookingStatus.CANCELLED }, recorded, null));
    }

    /// Everything the app sends to cancel the owner's intent (the contract test checks it against Stripe's spec).
    internal static PaymentIntentCancelOptions CancelOptions => new() { CancellationReason = "requested_by_customer" };

    /// The intent's status after asking Stripe to cancel it: "canceled", or what it is instead (succeeded, processing).
    private async Task<string> CancelIntentAsync(string bookingId, string intentId, CancellationToken cancellationToken)
    {
        try
        {
            // No key of ours: Stripe.net sends one per call for its own retries. Canceling twice is harmless.
            return (await stripe.V1.PaymentIntents.CancelAsync(intentId, CancelOptions, cancellationToken: cancellationToken)).Status;
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest && ex.StripeError?.Code == "payment_intent_unexpected_state")
        {
            var intent = await stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken);
            logger.LogInformation("Booking {BookingId}'s intent {IntentId} could not be canceled: it is {Status}", bookingId, intentId, intent.Status);
            return intent.Status;
        }
    }
}
