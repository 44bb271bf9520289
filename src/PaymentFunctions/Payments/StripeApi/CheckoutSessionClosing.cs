using System.Net;
using Stripe;
using Stripe.Checkout;

namespace PaymentFunctions.Payments.StripeApi;

/// Ends a Checkout Session at Stripe (POST /v1/checkout/sessions/{id}/expire) so that it can no longer be paid, for
/// the booking expiry and the owner's cancel. Stripe expires only an open session and answers 400 for any other, so a
/// retry after a crash, or a session that was paid meanwhile, is read back instead: the caller gets the session as it
/// now is, "expired" or "complete" (paid, or a delayed payment under way), or null when Stripe has no such session.
public static class CheckoutSessionClosing
{
    public static async Task<Session?> ExpireAsync(StripeClient stripe, string sessionId, RequestOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        try
        {
            return await stripe.V1.Checkout.Sessions.ExpireAsync(sessionId, null, options, cancellationToken);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest)
        {
            var session = await stripe.V1.Checkout.Sessions.GetAsync(sessionId, cancellationToken: cancellationToken);
            if (session.Status == "open")
            {
                throw; // the 400 was about something else, and the session can still be paid
            }

            return session;
        }
    }
}
