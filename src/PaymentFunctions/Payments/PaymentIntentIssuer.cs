using System.Globalization;
using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Hosting;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// One open PaymentIntent per booking. The current intent is recorded on the booking row with the attempt
/// that created it; a new one is created only when Stripe says the current one is canceled. Creation is
/// crash-safe: Stripe gets the deterministic key "pi-create:{booking}:{attempt}", so whatever happens between
/// Stripe's answer and our write, the retry gets the same intent back. Then the intent index (webhooks find
/// the booking through it), then the booking row under its ETag; a lost race re-reads and answers with the
/// winner's intent.
public sealed class PaymentIntentIssuer(
    PaymentTables tables,
    BookingService bookings,
    StripeClient stripe,
    FaultInjection faults,
    TimeProvider time,
    ILogger<PaymentIntentIssuer> logger)
{
    private const int MaxWriteAttempts = 5;

    // Callers in one instance queue up per booking instead of hammering Stripe with the same idempotency key
    // (which answers 409 while the first call runs); across instances the key and the ETag keep it correct.
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IntentResult> IssueAsync(string userId, string bookingId, CancellationToken cancellationToken)
    {
        try
        {
            var booking = await bookings.FindOwnedAsync(userId, bookingId, cancellationToken);
            if (Refusal(booking) is { } refused)
            {
                return refused;
            }

            if (await CurrentAsync(booking!, cancellationToken) is { } current)
            {
                return new IntentResult(IntentOutcome.Existing, IntentView.Of(current, booking!));
            }

            var gate = _gates[(int)((uint)StringComparer.Ordinal.GetHashCode(bookingId) % (uint)_gates.Length)];
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await CreateAsync(userId, bookingId, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (StripeException ex)
        {
            logger.LogWarning("Stripe answered {Status} {Type}/{Code} (request {RequestId}) for booking {BookingId}'s PaymentIntent", ex.Status, ex.Error?.Type, ex.Error?.Code, ex.RequestId, bookingId);
            return ex.IsTransient
                ? new IntentResult(IntentOutcome.StripeUnavailable, Detail: "Stripe could not be reached or is unavailable. Nothing was charged; retry in a few seconds.", StripeRequestId: ex.RequestId)
                : new IntentResult(IntentOutcome.StripeRefused, Detail: $"Stripe refused the payment request ({ex.Error?.Type ?? "error"}{(ex.Error?.Code is { } code ? "/" + code : "")}).", StripeRequestId: ex.RequestId);
        }
    }

    private async Task<IntentResult> CreateAsync(string userId, string bookingId, CancellationToken cancellationToken)
    {
        StripePaymentIntent? created = null;
        for (var write = 1; write <= MaxWriteAttempts; write++)
        {
            // Re-read under the gate (and after a lost race): someone may have recorded an intent meanwhile.
            var booking = await bookings.FindOwnedAsync(userId, bookingId, cancellationToken);
            if (Refusal(booking) is { } refused)
            {
                return refused;
            }

            if (booking!.PaymentIntentId is { } recorded && recorded == created?.Id)
            {
                return new IntentResult(IntentOutcome.Existing, IntentView.Of(created, booking));
            }

            if (await CurrentAsync(booking, cancellationToken) is { } current)
            {
                return new IntentResult(IntentOutcome.Existing, IntentView.Of(current, booking));
            }

            var attempt = booking.IntentAttempt + 1;
            try
            {
                created = await stripe.CreatePaymentIntentAsync(CreateOptions(booking), IdempotencyKey(booking.Id, attempt), cancellationToken);
            }
            catch (StripeException ex) when (ex.Replayed && ex.Status >= 500)
            {
                // Stripe keeps a 5xx under its key for 24 h: this attempt can never succeed. Its intent, if one was
                // made at all, never reached the SPA, so the next attempt's key is safe.
                logger.LogWarning("Stripe replays a {Status} for {Key} (request {RequestId}); moving booking {BookingId} to attempt {Next}", ex.Status, IdempotencyKey(booking.Id, attempt), ex.RequestId, booking.Id, attempt + 1);
                await SkipAttemptAsync(booking, attempt, cancellationToken);
                continue;
            }

            faults.Reached(FaultInjection.IntentAfterStripe);
            await IntentIndex.RememberAsync(tables, created.Id, booking.Id, cancellationToken);
            if (await RecordAsync(booking, created, attempt, cancellationToken))
            {
                logger.LogInformation("PaymentIntent {IntentId} (attempt {Attempt}, Stripe request {RequestId}) recorded for booking {BookingId}", created.Id, attempt, created.RequestId, booking.Id);
                return new IntentResult(IntentOutcome.Created, IntentView.Of(created, booking));
            }
        }

        throw new InvalidOperationException($"Booking {bookingId} kept changing while its PaymentIntent was recorded ({MaxWriteAttempts} attempts).");
    }

    /// The booking's intent unless Stripe says it is canceled (then the caller creates the next attempt).
    private async Task<StripePaymentIntent?> CurrentAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (booking.PaymentIntentId is not { } intentId)
        {
            return null;
        }

        var intent = await stripe.GetPaymentIntentAsync(intentId, cancellationToken);
        return intent.Status == "canceled" ? null : intent;
    }

    private IntentResult? Refusal(Booking? booking)
    {
        if (booking is null)
        {
            return new IntentResult(IntentOutcome.NotFound);
        }

        if (booking.Status is not (BookingStatus.PENDING or BookingStatus.PAYMENT_FAILED))
        {
            return new IntentResult(IntentOutcome.NotPayable, Detail: $"The booking is {booking.Status}; only PENDING or PAYMENT_FAILED bookings can be paid.");
        }

        // Expiry releases the seats and cancels the intent; paying for them now would race it.
        return booking.HoldExpiresAt <= time.GetUtcNow()
            ? new IntentResult(IntentOutcome.NotPayable, Detail: "The booking's hold has expired; create a new booking.")
            : null;
    }

    private async Task<bool> RecordAsync(Booking booking, StripePaymentIntent intent, int attempt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = booking with { PaymentIntentId = intent.Id, IntentAttempt = attempt, UpdatedAt = now };
        var intentRow = new TableEntity(booking.Id, RowKeys.Intent(attempt))
        {
            ["PaymentIntentId"] = intent.Id,
            ["Attempt"] = attempt,
            ["CreatedAt"] = intent.Created,
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

    private static PaymentIntentCreateOptions CreateOptions(Booking booking) => new(booking.Amount, booking.Currency)
    {
        Metadata = new Dictionary<string, string> { ["bookingId"] = booking.Id, ["userId"] = booking.UserId },
        AutomaticPaymentMethods = true,
        Description = $"Booking {booking.Id}: {booking.Quantity} x {booking.TicketTypeId}",
    };

    public static string IdempotencyKey(string bookingId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"pi-create:{bookingId}:{attempt}");
}
