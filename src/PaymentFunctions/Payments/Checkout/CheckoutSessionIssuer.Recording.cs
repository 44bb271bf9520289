using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe.Checkout;

namespace PaymentFunctions.Payments.Checkout;

/// What the issuer writes, always under the booking's ETag, so of concurrent writers (in this instance or another)
/// exactly one wins and the others read again.
public sealed partial class CheckoutSessionIssuer
{
    /// The session becomes the booking's current way of paying (an intent it replaces stops being current), with its
    /// row among what the booking issued, in one transaction.
    private async Task<bool> RecordAsync(Booking booking, Session session, int attempt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = booking with { CheckoutSessionId = session.Id, CheckoutAttempt = attempt, PaymentIntentId = null, UpdatedAt = now };
        var sessionRow = new TableEntity(booking.Id, RowKeys.CheckoutSession(attempt))
        {
            ["CheckoutSessionId"] = session.Id,
            ["Attempt"] = attempt,
            ["CreatedAt"] = new DateTimeOffset(DateTime.SpecifyKind(session.Created, DateTimeKind.Utc)),
            ["ExpiresAt"] = new DateTimeOffset(DateTime.SpecifyKind(session.ExpiresAt, DateTimeKind.Utc)),
            ["RecordedAt"] = now,
        };
        try
        {
            await tables.Bookings.SubmitCheckedAsync(
                [new(TableTransactionActionType.UpdateReplace, updated.ToEntity(), booking.ETag), new(TableTransactionActionType.UpsertReplace, sessionRow)],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex is { FailedTransactionActionIndex: 0, Status: 412 })
        {
            return false; // lost the race: the caller reads the booking again
        }
    }

    /// Marks an attempt as used without a session; ETag-checked, a lost race just reads again in the caller's loop.
    private async Task SkipAttemptAsync(Booking booking, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Bookings.UpdateCheckedAsync(new TableEntity(booking.Id, RowKeys.Booking) { ["CheckoutAttempt"] = attempt }, booking.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Someone else changed the booking: the caller's loop reads it again.
        }
    }

    /// A session made for a booking that could no longer be paid by the time it was to be recorded (cancelled or
    /// expired meanwhile): its URL never left the app, and it is expired at Stripe so that it is not left open.
    private async Task ExpireUnhandedAsync(Session? created, CancellationToken cancellationToken)
    {
        if (created is null)
        {
            return;
        }

        var closed = await CheckoutSessionClosing.ExpireAsync(stripe, created.Id, null, cancellationToken);
        logger.LogInformation("Checkout Session {SessionId} was never handed out (its booking can no longer be paid); it is {Status} at Stripe", created.Id, closed?.Status ?? "gone");
    }
}
