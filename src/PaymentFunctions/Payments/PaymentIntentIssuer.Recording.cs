using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments;

/// What the issuer writes: the booking's intent and its attempt (an expired Checkout Session it replaces stops being
/// current), always under the booking's ETag (<see cref="IssuerWrites"/>).
public sealed partial class PaymentIntentIssuer
{
    private Task<bool> RecordAsync(Booking booking, PaymentIntent intent, int attempt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var intentRow = new TableEntity(booking.Id, RowKeys.Intent(attempt))
        {
            ["PaymentIntentId"] = intent.Id,
            ["Attempt"] = attempt,
            ["CreatedAt"] = new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)),
            ["RecordedAt"] = now,
        };
        return IssuerWrites.RecordAsync(tables, booking with { PaymentIntentId = intent.Id, IntentAttempt = attempt, CheckoutSessionId = null, UpdatedAt = now }, booking.ETag, intentRow, cancellationToken);
    }

    private Task SkipAttemptAsync(Booking booking, int attempt, CancellationToken cancellationToken) =>
        IssuerWrites.SkipAttemptAsync(tables, booking, "IntentAttempt", attempt, cancellationToken);
}
