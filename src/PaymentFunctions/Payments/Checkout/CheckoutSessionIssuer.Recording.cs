using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe.Checkout;

namespace PaymentFunctions.Payments.Checkout;

/// What the issuer writes: the booking's session and its attempt, always under the booking's ETag.
public sealed partial class CheckoutSessionIssuer
{
    /// The session becomes the booking's current way of paying (an intent it replaces stops being current), with its
    /// row among what the booking issued (<see cref="IssuerWrites"/>).
    private Task<bool> RecordAsync(Booking booking, Session session, int attempt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sessionRow = new TableEntity(booking.Id, RowKeys.CheckoutSession(attempt))
        {
            ["CheckoutSessionId"] = session.Id,
            ["Attempt"] = attempt,
            ["CreatedAt"] = new DateTimeOffset(DateTime.SpecifyKind(session.Created, DateTimeKind.Utc)),
            ["ExpiresAt"] = new DateTimeOffset(DateTime.SpecifyKind(session.ExpiresAt, DateTimeKind.Utc)),
            ["RecordedAt"] = now,
        };
        return IssuerWrites.RecordAsync(tables, booking with { CheckoutSessionId = session.Id, CheckoutAttempt = attempt, PaymentIntentId = null, UpdatedAt = now }, booking.ETag, sessionRow, cancellationToken);
    }

    private Task SkipAttemptAsync(Booking booking, int attempt, CancellationToken cancellationToken) =>
        IssuerWrites.SkipAttemptAsync(tables, booking, "CheckoutAttempt", attempt, cancellationToken);

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
