using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments.Customers;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;
using Stripe.Checkout;

namespace PaymentFunctions.Payments.Checkout;

/// One open Checkout Session per booking (mode=payment), the way <see cref="PaymentIntentIssuer"/> keeps one open
/// PaymentIntent: the current session is on the booking row with the attempt that created it; a new one is created
/// only once Stripe says the current one expired. Crash-safe the same way: Stripe gets the deterministic key
/// "cs-create:{booking}:{attempt}" and every parameter is derived from the booking (price, expiry) and the
/// caller's return path, so a retry gets the same session back; then the booking row under its ETag, with a
/// <see cref="RowKeys.CheckoutSession"/> row in the same transaction, before the URL leaves the app. The line items
/// come from the booking's server-side price, the return URLs from the configured SPA origin, the customer is the
/// user's one Stripe customer, and the booking id rides in client_reference_id and in the session's and its intent's
/// metadata, so both families of events find the booking.
public sealed partial class CheckoutSessionIssuer(
    PaymentTables tables,
    BookingService bookings,
    Catalog catalog,
    StripeCustomers customers,
    IntentCallLimit callLimit,
    CheckoutReturnUrls returnUrls,
    StripeClient stripe,
    StripeBackoff backoff,
    FaultInjection faults,
    TimeProvider time,
    ILogger<CheckoutSessionIssuer> logger)
{
    /// Stripe takes an expires_at 30 minutes to 24 hours after the session's creation, by its own clock. The expiry
    /// timer expires the session at the booking's hold end; Stripe's expiry, this long after it, is only a backstop
    /// (30 minutes, plus one for clock skew and latency). Derived from the booking alone, so a retry sends the same.
    public static readonly TimeSpan StripeExpiryAfterHold = TimeSpan.FromMinutes(31);
    private static readonly TimeSpan StripeLongestLifetime = TimeSpan.FromHours(24);
    private const int MaxWriteAttempts = 5;

    public async Task<CheckoutResult> IssueAsync(string userId, string bookingId, string? returnPath, CancellationToken cancellationToken)
    {
        try
        {
            var booking = await bookings.FindOwnedAsync(userId, bookingId, cancellationToken);
            if (Refusal(booking) is { } refused)
            {
                return CheckoutResult.Refusal(refused);
            }

            // The PaymentIntent calls' limit: a session call costs Stripe as much.
            if (await callLimit.TryTakeAsync(userId, bookingId, time.GetUtcNow(), cancellationToken) is { } wait)
            {
                logger.LogInformation("User {UserId} asked for payments too often; booking {BookingId}'s Checkout Session call refused for {Wait}", userId, bookingId, wait);
                return CheckoutResult.Refusal(IntentResult.TooManyCalls(wait));
            }

            return await IssueFromAsync(booking!, returnPath, cancellationToken);
        }
        catch (StripeException ex)
        {
            logger.LogWarning("Stripe answered {Status} {Type}/{Code} {Reason} (request {RequestId}) for booking {BookingId}'s Checkout Session", (int)ex.HttpStatusCode, ex.StripeError?.Type, ex.StripeError?.Code, StripeFailure.RateLimitedReason(ex), StripeFailure.RequestId(ex), bookingId);
            return CheckoutResult.Refusal(IntentResult.FromStripe(ex, backoff));
        }
        catch (Exception ex) when (StripeFailure.IsUnreachable(ex, cancellationToken))
        {
            logger.LogWarning("Stripe could not be reached for booking {BookingId}'s Checkout Session, retries included: {Error}", bookingId, ex.Message);
            return CheckoutResult.Refusal(IntentResult.Unavailable(null));
        }
    }

    private async Task<CheckoutResult> IssueFromAsync(Booking first, string? returnPath, CancellationToken cancellationToken)
    {
        Session? created = null;
        string? customer = null;
        Booking? booking = first;
        for (var write = 1; write <= MaxWriteAttempts; write++)
        {
            // Read again after a lost race or a change of our own (the intent put aside).
            booking ??= await bookings.FindAsync(first.Id, cancellationToken);
            if (Refusal(booking) is { } refused)
            {
                await ExpireUnhandedAsync(created, cancellationToken);
                return CheckoutResult.Refusal(refused);
            }

            if (created is not null && booking!.CheckoutSessionId == created.Id)
            {
                return Answer(IntentOutcome.Existing, created, booking);
            }

            if (await CurrentAsync(booking!, cancellationToken) is { } current)
            {
                return current;
            }

            var intentStep = await PutIntentAsideAsync(booking!, cancellationToken);
            if (intentStep.Answer is { } intentInTheWay)
            {
                return intentInTheWay;
            }

            if (intentStep.Reread)
            {
                booking = null;
                continue;
            }

            if (ExpiresAt(booking!) < time.GetUtcNow() + StripeExpiryAfterHold)
            {
                return CheckoutResult.Refusal(new IntentResult(IntentOutcome.NotPayable, Detail: "Too little of the booking's hold is left for a Checkout Session (Stripe keeps one open at least 30 minutes); create a new booking."));
            }

            customer ??= await customers.ForUserAsync(booking!.UserId, cancellationToken);
            var attempt = booking!.CheckoutAttempt + 1;
            try
            {
                created = await stripe.V1.Checkout.Sessions.CreateAsync(
                    CreateOptions(booking, ProductName(booking), customer, returnUrls.Success(booking.Id, returnPath), returnUrls.Cancel(booking.Id, returnPath)),
                    new RequestOptions { IdempotencyKey = IdempotencyKey(booking.Id, attempt) },
                    cancellationToken);
            }
            catch (StripeException ex) when (ex.StripeError?.Type == "idempotency_error" || (StripeFailure.IsReplayed(ex) && StripeFailure.IsServerError(ex)))
            {
                // Another return path under this attempt's key (an earlier call that crashed), or a 5xx Stripe keeps
                // under it: that attempt's session, if any, never reached the SPA, so the next attempt's key is safe.
                logger.LogWarning("Stripe will not run {Key} again (request {RequestId}, {Status} {Type}); moving booking {BookingId} to Checkout attempt {Next}", IdempotencyKey(booking.Id, attempt), StripeFailure.RequestId(ex), (int)ex.HttpStatusCode, ex.StripeError?.Type, booking.Id, attempt + 1);
                await SkipAttemptAsync(booking, attempt, cancellationToken);
                booking = null;
                continue;
            }

            faults.Reached(FaultInjection.CheckoutAfterStripe);
            if (await RecordAsync(booking, created, attempt, cancellationToken))
            {
                logger.LogInformation("Checkout Session {SessionId} (attempt {Attempt}, Stripe request {RequestId}) recorded for booking {BookingId}", created.Id, attempt, created.StripeResponse?.RequestId, booking.Id);
                return Answer(IntentOutcome.Created, created, booking);
            }

            booking = null;
        }

        throw new InvalidOperationException($"Booking {first.Id} kept changing while its Checkout Session was recorded ({MaxWriteAttempts} attempts).");
    }

    /// The booking's open session (200), a 409 while its session is complete (paid, or a delayed payment under way),
    /// or null when it has none that is open (then the caller creates the next attempt).
    private async Task<CheckoutResult?> CurrentAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (booking.CheckoutSessionId is not { } sessionId)
        {
            return null;
        }

        var session = await stripe.V1.Checkout.Sessions.GetAsync(sessionId, cancellationToken: cancellationToken);
        return session.Status switch
        {
            "open" => Answer(IntentOutcome.Existing, session, booking),
            "complete" => CheckoutResult.Refusal(new IntentResult(IntentOutcome.NotPayable, Detail: $"The booking's Checkout Session is complete (payment {session.PaymentStatus}): it is paid, or its payment is under way.")),
            _ => null,
        };
    }

    private IntentResult? Refusal(Booking? booking) => PayableBooking.Refusal(booking, time.GetUtcNow());

    private static CheckoutResult Answer(IntentOutcome outcome, Session session, Booking booking) =>
        new(outcome, new CheckoutSessionView(session.Id, session.Url, booking.HoldExpiresAt));

    private string ProductName(Booking booking) => catalog.Find(booking.TicketTypeId)?.Name ?? booking.TicketTypeId;
}
