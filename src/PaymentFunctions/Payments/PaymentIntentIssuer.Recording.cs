using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments;

/// What the issuer writes: the booking's intent and its attempt (an expired Checkout Session it replaces stops being current), always under the booking's ETag, so of concurrent
/// writers (in this instance or another) exactly one wins and the others re-read.
public sealed partial class PaymentIntentIssuer
{
    private async Task<bool> RecordAsync(Booking booking, PaymentIntent intent, int attempt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = booking with { PaymentIntentId = intent.Id, IntentAttempt = attempt, CheckoutSessionId = null, UpdatedAt = now };
        var intentRow = new TableEntity(booking.Id, RowKeys.Intent(attempt))
        {
            ["PaymentIntentId"] = intent.Id,
            ["Attempt"] = attempt,
            ["CreatedAt"] = new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)),
            ["RecordedAt"] = now,
        };
        try
        {
            await tables.Bookings.SubmitCheckedAsync(
                [new(TableTransactionActionType.UpdateReplace, updated.ToEntity(), booking.ETag), new(TableTransactionActionType.UpsertReplace, intentRow)],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex is { FailedTransactionActionIndex: 0, Status: 412 })
        {
            return false; // lost the race: the caller re-reads the booking
        }
    }

    /// Marks an attempt as used without an intent; ETag-checked, a lost race just re-reads in the caller's loop.
    private async Task SkipAttemptAsync(Booking booking, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Bookings.UpdateCheckedAsync(new TableEntity(booking.Id, RowKeys.Booking) { ["IntentAttempt"] = attempt }, booking.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Someone else changed the booking: the caller's loop re-reads it.
        }
    }
}
