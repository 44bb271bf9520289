using PaymentFunctions.Bookings;

namespace PaymentFunctions.Payments;

/// A booking is paid one way at a time (docs/http-api.md): no PaymentIntent while its Checkout Session is open, or
/// complete (paid, or a delayed payment under way). Once the session expired, an intent replaces it.
public sealed partial class PaymentIntentIssuer
{
    private async Task<IntentResult?> CheckoutRefusalAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (booking.CheckoutSessionId is not { } sessionId)
        {
            return null;
        }

        var session = await stripe.V1.Checkout.Sessions.GetAsync(sessionId, cancellationToken: cancellationToken);
        return session.Status == "expired"
            ? null
            : IntentResult.OtherFlow($"The booking is being paid through its Checkout Session, which is {session.Status}; pay there, or ask again once it has expired.", "checkoutSessionId", sessionId);
    }
}
