using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Payments;

/// POST /api/payments/intents. SavePaymentMethod: keep the card on the user's Stripe customer for later payments
/// (the intent gets setup_future_usage=off_session).
public sealed record CreateIntentRequest(string? BookingId, bool? SavePaymentMethod = null);

/// What the SPA hands to Stripe.js. Amount in minor units of Currency (upper-case ISO 4217).
public sealed record IntentView(string PaymentIntentId, string? ClientSecret, long Amount, string Currency, string Status, string BookingId)
{
    public static IntentView Of(PaymentIntent intent, Booking booking) =>
        new(intent.Id, intent.ClientSecret, intent.Amount, booking.Currency, intent.Status, booking.Id);
}

public enum IntentOutcome
{
    Created,
    Existing,
    NotFound,
    NotPayable,
    StripeRefused,
    StripeUnavailable,

    /// Stripe (or this instance's own limit) answered 429: nothing was done; retry after RetryAfter (503).
    StripeRateLimited,

    /// This user asked too often (Payments:MaxIntentCallsPerUser): nothing was done; retry after RetryAfter (429).
    UserRateLimited,

    /// The booking is being paid the other way (its Checkout Session, or its PaymentIntent): 409 naming it.
    OtherFlowOpen,
}

/// Detail is safe to show the caller; StripeRequestId lets support find the call in Stripe's logs. ClientSecret: what a
/// replayed answer gets back (<see cref="PaymentIntentIssuer.ReadClientSecretAsync"/>). OpenFlow names the other way the
/// booking is being paid (OtherFlowOpen): ("checkoutSessionId", "cs_...") or ("paymentIntentId", "pi_...").
public sealed record IntentResult(IntentOutcome Outcome, IntentView? Intent = null, string? Detail = null, string? StripeRequestId = null, TimeSpan? RetryAfter = null, string? ClientSecret = null, KeyValuePair<string, string>? OpenFlow = null)
{
    /// What a Stripe refusal of a payment request (either flow) tells the caller: busy (503, retry after), unavailable
    /// (503) or refused (502). Fields only, never ex.Message: it is the server's text, and a proxy or emulator might echo
    /// a key in it.
    public static IntentResult FromStripe(StripeException exception, StripeBackoff backoff)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(backoff);
        var requestId = StripeFailure.RequestId(exception);
        return StripeFailure.IsRateLimited(exception) ? RateLimited(requestId, backoff.Delay(exception, attempt: 1))
            : StripeFailure.IsTransient(exception) ? Unavailable(requestId)
            : new IntentResult(IntentOutcome.StripeRefused, Detail: $"Stripe refused the payment request ({exception.StripeError?.Type ?? "error"}{(exception.StripeError?.Code is { } code ? "/" + code : "")}).", StripeRequestId: requestId);
    }

    public static IntentResult OtherFlow(string detail, string member, string id) =>
        new(IntentOutcome.OtherFlowOpen, Detail: detail, OpenFlow: new(member, id));

    public static IntentResult Unavailable(string? requestId) =>
        new(IntentOutcome.StripeUnavailable, Detail: "Stripe could not be reached or is unavailable. Nothing was charged; retry in a few seconds.", StripeRequestId: requestId);

    public static IntentResult TooManyCalls(TimeSpan retryAfter) =>
        new(IntentOutcome.UserRateLimited, Detail: $"Too many payment requests for this user (the limit set by {MaxCallsSetting}). Nothing was charged or changed; retry after the Retry-After delay.", RetryAfter: retryAfter);

    public const string MaxCallsSetting = "Payments:MaxIntentCallsPerUser";

    public static IntentResult RateLimited(string? requestId, TimeSpan retryAfter) =>
        new(IntentOutcome.StripeRateLimited, Detail: "Stripe is taking no more requests for now. Nothing was charged or changed; retry after the Retry-After delay.", StripeRequestId: requestId, RetryAfter: retryAfter);
}

/// GET /api/payments/{bookingId}: the booking's status plus the payment state from the webhooks' fact rows (null
/// until Stripe reported something).
public sealed record PaymentStatusView(string BookingId, BookingStatus BookingStatus, long Amount, string Currency, string? PaymentIntentId, PaymentView? Payment);

public sealed record PaymentView(
    string PaymentIntentId, string Status, DateTimeOffset? StatusAt, long AmountRefunded, string? FailureCode, string? FailureMessage, string? DisputeStatus)
{
    public static PaymentView Of(PaymentState state) => new(
        state.PaymentIntentId, state.Status, state.StatusAt, state.AmountRefunded, state.FailureCode, state.FailureMessage, state.DisputeStatus);
}
