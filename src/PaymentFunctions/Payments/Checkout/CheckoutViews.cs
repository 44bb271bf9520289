namespace PaymentFunctions.Payments.Checkout;

/// POST /api/payments/checkout-sessions. ReturnPath: where on the SPA the customer comes back to (a relative path;
/// default "/"); the origin is the app's setting, never the caller's.
public sealed record CreateCheckoutSessionRequest(string? BookingId, string? ReturnPath = null);

/// What the SPA redirects to. ExpiresAt is when the session stops taking payments: the booking's hold end, when the
/// expiry timer expires it at Stripe (Stripe's own expires_at is later, see docs/http-api.md).
public sealed record CheckoutSessionView(string SessionId, string Url, DateTimeOffset ExpiresAt);

/// Outcome Created or Existing with a Session, or any refusal of <see cref="IntentOutcome"/> (same answers as the
/// PaymentIntent flow, <see cref="PaymentProblems"/>).
public sealed record CheckoutResult(IntentOutcome Outcome, CheckoutSessionView? Session = null, IntentResult? Refused = null)
{
    public static CheckoutResult Refusal(IntentResult refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return new(refused.Outcome, Refused: refused);
    }
}
