using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using PaymentFunctions.Bookings;
using PaymentFunctions.Payments.Customers;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments;

/// One open PaymentIntent per booking. The current intent is recorded on the booking row with the attempt
/// that created it; a new one is created only when Stripe says the current one is canceled. Creation is
/// crash-safe: Stripe gets the deterministic key "pi-create:{booking}:{attempt}", so whatever happens between
/// Stripe's answer and our write, the retry gets the same intent back. Then the intent index (webhooks find
/// the booking through it), then the booking row under its ETag; a lost race re-reads and answers with the
/// winner's intent. No lock is held across Stripe's round trips: concurrent calls for one booking send the same key
/// (Stripe runs it once and answers the others 409 in progress, which Stripe.net retries into the replay), and the
/// ETag picks the one writer, so calls for unrelated bookings never wait for each other. Every new intent names the
/// user's one Stripe customer (<see cref="StripeCustomers"/>); with savePaymentMethod it also asks Stripe to keep the
/// card for later (setup_future_usage=off_session), and an existing intent is updated to what the caller asks now.
public sealed partial class PaymentIntentIssuer(
    PaymentTables tables,
    BookingService bookings,
    StripeCustomers customers,
    IntentCallLimit callLimit,
    StripeClient stripe,
    StripeBackoff backoff,
    FaultInjection faults,
    TimeProvider time,
    ILogger<PaymentIntentIssuer> logger)
{
    private const int MaxWriteAttempts = 5;

    public async Task<IntentResult> IssueAsync(string userId, string bookingId, bool savePaymentMethod, CancellationToken cancellationToken)
    {
        try
        {
            var booking = await bookings.FindOwnedAsync(userId, bookingId, cancellationToken);
            if (Refusal(booking) is { } refused)
            {
                return refused;
            }

            // Counted only for calls that will reach Stripe (each costs at least one request there).
            if (await callLimit.TryTakeAsync(userId, bookingId, time.GetUtcNow(), cancellationToken) is { } wait)
            {
                logger.LogInformation("User {UserId} asked for PaymentIntents too often; booking {BookingId}'s call refused for {Wait}", userId, bookingId, wait);
                return IntentResult.TooManyCalls(wait);
            }

            if (await CurrentAsync(booking!, cancellationToken) is { } current)
            {
                return new IntentResult(IntentOutcome.Existing, IntentView.Of(await SavingAsAskedAsync(current, userId, savePaymentMethod, cancellationToken), booking!));
            }

            return await CreateAsync(userId, bookingId, savePaymentMethod, cancellationToken);
        }
        catch (StripeException ex)
        {
            return Refused(ex, bookingId, null);
        }
        catch (Exception ex) when (StripeFailure.IsUnreachable(ex, cancellationToken))
        {
            return Unreachable(ex, bookingId, null);
        }
    }

    /// The client secret of an intent whose answer is replayed under its Idempotency-Key: the key store keeps the
    /// answer without it (a stored row must hold no secret), so it is read again from Stripe, as for an open intent.
    public async Task<IntentResult> ReadClientSecretAsync(string intentId, CancellationToken cancellationToken)
    {
        try
        {
            var intent = await stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken);
            return new IntentResult(IntentOutcome.Existing, ClientSecret: intent.ClientSecret);
        }
        catch (StripeException ex)
        {
            return Refused(ex, null, intentId);
        }
        catch (Exception ex) when (StripeFailure.IsUnreachable(ex, cancellationToken))
        {
            return Unreachable(ex, null, intentId);
        }
    }

    /// A Stripe failure while issuing booking <paramref name="bookingId"/>'s intent, or reading intent <paramref name="intentId"/> again.
    private IntentResult Refused(StripeException ex, string? bookingId, string? intentId)
    {
        logger.LogWarning("Stripe answered {Status} {Type}/{Code} {Reason} (request {RequestId}) for booking {BookingId}'s PaymentIntent {IntentId}", (int)ex.HttpStatusCode, ex.StripeError?.Type, ex.StripeError?.Code, StripeFailure.RateLimitedReason(ex), StripeFailure.RequestId(ex), bookingId, intentId);
        return IntentResult.FromStripe(ex, backoff);
    }

    private IntentResult Unreachable(Exception ex, string? bookingId, string? intentId)
    {
        logger.LogWarning("Stripe could not be reached for booking {BookingId}'s PaymentIntent {IntentId}, retries included: {Error}", bookingId, intentId, ex.Message);
        return IntentResult.Unavailable(null);
    }

    private async Task<IntentResult> CreateAsync(string userId, string bookingId, bool savePaymentMethod, CancellationToken cancellationToken)
    {
        PaymentIntent? created = null;
        var customer = await customers.ForUserAsync(userId, cancellationToken);
        for (var write = 1; write <= MaxWriteAttempts; write++)
        {
            // Re-read (the first time too: the customer came in between, and after a lost race): someone may have
            // recorded an intent meanwhile.
            var booking = await bookings.FindOwnedAsync(userId, bookingId, cancellationToken);
            if (Refusal(booking) is { } refused)
            {
                return refused;
            }

            if (booking!.PaymentIntentId is { } recorded && recorded == created?.Id)
            {
                return new IntentResult(IntentOutcome.Existing, IntentView.Of(created, booking));
            }

            // A booking with a current session has no current intent (recording one clears the other), so only here.
            if (await CheckoutRefusalAsync(booking, cancellationToken) is { } checkout)
            {
                return checkout;
            }

            if (await CurrentAsync(booking, cancellationToken) is { } current)
            {
                return new IntentResult(IntentOutcome.Existing, IntentView.Of(await SavingAsAskedAsync(current, userId, savePaymentMethod, cancellationToken), booking));
            }

            var attempt = booking.IntentAttempt + 1;
            try
            {
                created = await stripe.V1.PaymentIntents.CreateAsync(CreateOptions(booking, customer, savePaymentMethod), new RequestOptions { IdempotencyKey = IdempotencyKey(booking.Id, attempt) }, cancellationToken);
            }
            catch (StripeException ex) when (ex.StripeError?.Type == "idempotency_error")
            {
                // A crashed earlier call used this attempt's key with the other savePaymentMethod; its intent never
                // reached the SPA, so the next attempt's key is safe.
                logger.LogWarning("Stripe refuses {Key} with other parameters (request {RequestId}); moving booking {BookingId} to attempt {Next}", IdempotencyKey(booking.Id, attempt), StripeFailure.RequestId(ex), booking.Id, attempt + 1);
                await SkipAttemptAsync(booking, attempt, cancellationToken);
                continue;
            }
            catch (StripeException ex) when (StripeFailure.IsReplayed(ex) && StripeFailure.IsServerError(ex))
            {
                // Stripe keeps a 5xx under its key for 24 h: this attempt can never succeed. Its intent, if one was
                // made at all, never reached the SPA, so the next attempt's key is safe.
                logger.LogWarning("Stripe replays a {Status} for {Key} (request {RequestId}); moving booking {BookingId} to attempt {Next}", (int)ex.HttpStatusCode, IdempotencyKey(booking.Id, attempt), StripeFailure.RequestId(ex), booking.Id, attempt + 1);
                await SkipAttemptAsync(booking, attempt, cancellationToken);
                continue;
            }

            faults.Reached(FaultInjection.IntentAfterStripe);
            await IntentIndex.RememberAsync(tables, created.Id, booking.Id, cancellationToken);
            if (await RecordAsync(booking, created, attempt, cancellationToken))
            {
                logger.LogInformation("PaymentIntent {IntentId} (attempt {Attempt}, Stripe request {RequestId}) recorded for booking {BookingId}", created.Id, attempt, created.StripeResponse?.RequestId, booking.Id);
                return new IntentResult(IntentOutcome.Created, IntentView.Of(created, booking));
            }
        }

        throw new InvalidOperationException($"Booking {bookingId} kept changing while its PaymentIntent was recorded ({MaxWriteAttempts} attempts).");
    }

    /// The booking's intent unless Stripe says it is canceled (then the caller creates the next attempt).
    private async Task<PaymentIntent?> CurrentAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (booking.PaymentIntentId is not { } intentId)
        {
            return null;
        }

        var intent = await stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken);
        return intent.Status == "canceled" ? null : intent;
    }

    private IntentResult? Refusal(Booking? booking) => PayableBooking.Refusal(booking, time.GetUtcNow());

    /// Everything the app sends to create an intent (the contract test checks it against Stripe's spec).
    /// Automatic payment methods, with Stripe's default allow_redirects=always: the SPA confirms with Stripe.js,
    /// which passes a return_url, so redirect-based methods stay available.
    [SuppressMessage("Globalization", "CA1308:Normalize strings to uppercase", Justification = "Stripe's wire format is lower case.")]
    internal static PaymentIntentCreateOptions CreateOptions(Booking booking, string customerId, bool savePaymentMethod) => new()
    {
        Amount = booking.Amount,
        Customer = customerId,
        SetupFutureUsage = savePaymentMethod ? OffSession : null,
        Currency = booking.Currency.ToLowerInvariant(),
        AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
        Metadata = new Dictionary<string, string> { ["bookingId"] = booking.Id, ["userId"] = booking.UserId },
        Description = $"Booking {booking.Id}: {booking.Quantity} x {booking.TicketTypeId}",
    };

    public static string IdempotencyKey(string bookingId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"pi-create:{bookingId}:{attempt}");
}
