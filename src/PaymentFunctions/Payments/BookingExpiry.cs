using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments;

/// Cancels bookings left unpaid past their hold time: first the open PaymentIntent or Checkout Session at Stripe (so
/// the customer can no longer pay for seats we release), then the booking itself through the same exactly-once update.
/// If Stripe says the intent already succeeded (or the session is complete), the booking is left alone: the success
/// event will confirm it.
public sealed class BookingExpiry(
    PaymentTables tables,
    StripeClient stripe,
    StripeBackoff backoff,
    BookingUpdater updater,
    TimeProvider time,
    IOptions<ExpiryOptions> options,
    ILogger<BookingExpiry> logger)
{
    public const string Name = "BookingExpiry";
    private static readonly TimeSpan RecheckAfter = TimeSpan.FromHours(1);

    /// Expires the holds due now, Expiry:Concurrency at a time, until none is left or Expiry:RunBudget is spent.
    /// Each hold's index entry goes only after its booking is settled, so a run that dies or stops early leaves the
    /// rest for the next run; the timer runs on one instance at a time, and each expiry is an exactly-once commit.
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var settings = options.Value;
        var expired = 0;
        var failed = new ConcurrentQueue<string>();
        // Stops taking new holds when the budget is spent; the holds being expired finish on the caller's token.
        using var budget = new CancellationTokenSource(settings.RunBudget, time);
        using var taking = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = taking.Token };
        try
        {
            await Parallel.ForEachAsync(HoldIndex.DueAsync(tables, now, taking.Token), parallel, async (entry, _) =>
            {
                try
                {
                    if (await SettleAsync(entry, now, cancellationToken))
                    {
                        Interlocked.Increment(ref expired);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One booking must not hold up the others; the run still fails at the end, so it is not missed.
                    logger.LogError(ex, "Booking {BookingId} could not be expired: {Error}", entry.RowKey, ex.Message);
                    failed.Enqueue(entry.RowKey);
                }
            });
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Expiry stopped after its budget of {Budget} with {Expired} booking(s) expired; the next run continues", settings.RunBudget, expired);
        }

        return failed.IsEmpty
            ? expired
            : throw new InvalidOperationException($"Expired {expired} booking(s); {failed.Count} failed and are retried next run: {string.Join(", ", failed.Take(10))}.");
    }

    /// Expires the booking behind one index entry if it is still unpaid past its hold, and drops the entry once
    /// there is nothing left for it to do.
    private async Task<bool> SettleAsync(TableEntity entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await tables.Bookings.FindAsync(entry.RowKey, RowKeys.Booking, cancellationToken);
        if (stored is null || Booking.FromEntity(stored) is not { Status: BookingStatus.PENDING or BookingStatus.PAYMENT_FAILED } booking)
        {
            await HoldIndex.RemoveAsync(tables, entry, cancellationToken); // gone (creation failed) or settled
            return false;
        }

        if (booking.HoldExpiresAt > now)
        {
            if (HoldIndex.Bucket(booking.HoldExpiresAt) != entry.PartitionKey)
            {
                // Deferred, or filed under an older bucket format: filed under its own second first, then dropped here.
                await HoldIndex.AddAsync(tables, booking.Id, booking.HoldExpiresAt, cancellationToken);
                await HoldIndex.RemoveAsync(tables, entry, cancellationToken);
            }

            return false;
        }

        var expired = await ExpireAsync(booking, now, cancellationToken);
        if (expired)
        {
            await HoldIndex.RemoveAsync(tables, entry, cancellationToken);
        }

        return expired;
    }

    private async Task<bool> ExpireAsync(Booking booking, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if ((booking.PaymentIntentId is { } intentId && !await CancelIntentAsync(booking.Id, intentId, now, cancellationToken))
            || (booking.CheckoutSessionId is { } sessionId && !await ExpireSessionAsync(booking.Id, sessionId, now, cancellationToken)))
        {
            await DeferAsync(booking, now, cancellationToken);
            return false;
        }

        // Expire only the booking as it was when its intent was canceled (or its session expired): if one was recorded
        // since, the next run ends that one first.
        var causationId = $"expiry:{booking.Id}:{booking.PaymentIntentId ?? booking.CheckoutSessionId ?? "none"}";
        var update = await updater.ApplyAsync(
            booking.Id,
            causationId,
            "booking.expired",
            fresh => fresh.PaymentIntentId == booking.PaymentIntentId && fresh.CheckoutSessionId == booking.CheckoutSessionId ? BookingStateMachine.Expire(fresh.Facts, now, causationId) : null,
            cancellationToken);
        return update.To == BookingStatus.CANCELLED && update.From != BookingStatus.CANCELLED;
    }

    /// Whether the session can no longer be paid: expired (now, or before), or unknown to Stripe. A complete one is paid,
    /// or its delayed payment is under way: its events will settle the booking.
    private async Task<bool> ExpireSessionAsync(string bookingId, string sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A key per run, as for the intents: Stripe replays a key's first answer, and expiring twice is harmless.
        var key = $"cs-expire:{sessionId}:{now.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";
        var session = await backoff.RunAsync(ct => CheckoutSessionClosing.ExpireAsync(stripe, sessionId, new RequestOptions { IdempotencyKey = key }, ct), cancellationToken);
        if (session is { Status: "complete" })
        {
            logger.LogWarning("Booking {BookingId} is past its hold but its Checkout Session {SessionId} is complete (payment {PaymentStatus}); waiting for its events", bookingId, sessionId, session.PaymentStatus);
            return false;
        }

        return true;
    }

    /// The intent is paid or being paid: its event will settle the booking. Until then, look again in an hour
    /// rather than asking Stripe every minute. ETag-checked, so it never overwrites a concurrent change.
    private async Task DeferAsync(Booking booking, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recheckAt = now + RecheckAfter;
        await HoldIndex.AddAsync(tables, booking.Id, recheckAt, cancellationToken);
        var deferred = new TableEntity(booking.Id, RowKeys.Booking) { ["HoldExpiresAt"] = recheckAt };
        try
        {
            await tables.Bookings.UpdateCheckedAsync(deferred, booking.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // The booking changed meanwhile (its event arrived): the next run looks at it as it is now.
        }
    }

    /// Everything the app sends to cancel an intent (the contract test checks it against Stripe's spec).
    internal static PaymentIntentCancelOptions CancelOptions => new() { CancellationReason = "abandoned" };

    private async Task<bool> CancelIntentAsync(string bookingId, string intentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            // Stripe replays the first answer to a key for 24 h, errors included: a key per run lets a cancel that
            // failed (intent briefly "processing") succeed later. Canceling twice is harmless.
            var key = $"pi-cancel:{intentId}:{now.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";
            // A 429 waits and calls again (one hold waits; the others go on): an on-sale's expiries are many at once.
            var intent = await backoff.RunAsync(ct => stripe.V1.PaymentIntents.CancelAsync(intentId, CancelOptions, new RequestOptions { IdempotencyKey = key }, ct), cancellationToken);
            return intent.Status == "canceled";
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            logger.LogWarning("Booking {BookingId}'s intent {IntentId} does not exist at Stripe; nothing to cancel", bookingId, intentId);
            return true;
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest && ex.StripeError?.Code == "payment_intent_unexpected_state")
        {
            var intent = await backoff.RunAsync(ct => stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: ct), cancellationToken);
            logger.LogWarning("Booking {BookingId} is past its hold but its intent {IntentId} is {Status}; waiting for that event (if it succeeded and the booking stays unconfirmed, look for a dead-lettered message)", bookingId, intentId, intent.Status);
            return intent.Status == "canceled";
        }
    }
}
