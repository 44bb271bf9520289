using System.Net;
using Azure;
using PaymentFunctions.Bookings;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments.Checkout;

/// A booking is paid one way at a time (docs/http-api.md). Its PaymentIntent makes way for a Checkout Session only
/// while nothing is being paid with it (requires_payment_method: never tried, or declined): first the booking stops
/// naming it, so that its payment_intent.canceled, which may be consumed before the session is recorded, no longer
/// cancels the booking; then Stripe cancels it. Any other status wins, and the caller gets a 409 naming the intent: a
/// payment may be under way with it (requires_confirmation, requires_action, processing) or done (succeeded).
public sealed partial class CheckoutSessionIssuer
{
    private const int MaxRestoreAttempts = 3;

    /// Nothing to do (no intent, or a canceled one), the answer to give, or "read the booking again" after a change.
    private readonly record struct IntentStep(CheckoutResult? Answer = null, bool Reread = false);

    private async Task<IntentStep> PutIntentAsideAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (booking.PaymentIntentId is not { } intentId)
        {
            return default;
        }

        var intent = await stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken);
        if (intent.Status == "canceled")
        {
            return default;
        }

        if (intent.Status != "requires_payment_method")
        {
            return new IntentStep(OpenIntent(intentId, intent.Status));
        }

        try
        {
            await tables.Bookings.UpdateCheckedAsync((booking with { PaymentIntentId = null }).ToEntity(), booking.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return new IntentStep(Reread: true);
        }

        var status = await CancelIntentAsync(intentId, cancellationToken);
        if (status == "canceled")
        {
            logger.LogInformation("Booking {BookingId}'s PaymentIntent {IntentId} was canceled to make way for a Checkout Session", booking.Id, intentId);
            return new IntentStep(Reread: true);
        }

        // Paid, or being paid, in the meantime: the intent stays the booking's way of paying.
        await RestoreIntentAsync(booking.Id, intentId, cancellationToken);
        return new IntentStep(OpenIntent(intentId, status));
    }

    private static CheckoutResult OpenIntent(string intentId, string status) => CheckoutResult.Refusal(IntentResult.OtherFlow(
        $"The booking's PaymentIntent is {status}: a payment may be under way with it. Finish it with Stripe.js, or ask again once it has failed or was canceled.", "paymentIntentId", intentId));

    /// Everything the app sends to cancel an intent a session replaces (the contract test checks it against Stripe's spec).
    internal static PaymentIntentCancelOptions CancelOptions => new() { CancellationReason = "abandoned" };

    /// The intent's status after asking Stripe to cancel it: "canceled", or what it is instead.
    private async Task<string> CancelIntentAsync(string intentId, CancellationToken cancellationToken)
    {
        try
        {
            return (await stripe.V1.PaymentIntents.CancelAsync(intentId, CancelOptions, cancellationToken: cancellationToken)).Status;
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest && ex.StripeError?.Code == "payment_intent_unexpected_state")
        {
            return (await stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken)).Status;
        }
    }

    /// Names the intent on the booking again, unless the booking has moved on (another intent or session) meanwhile.
    private async Task RestoreIntentAsync(string bookingId, string intentId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxRestoreAttempts; attempt++)
        {
            if (await bookings.FindAsync(bookingId, cancellationToken) is not { PaymentIntentId: null, CheckoutSessionId: null } booking)
            {
                return;
            }

            try
            {
                await tables.Bookings.UpdateCheckedAsync((booking with { PaymentIntentId = intentId }).ToEntity(), booking.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed meanwhile: look again.
            }
        }

        logger.LogWarning("Booking {BookingId} kept changing while its PaymentIntent {IntentId} was named on it again", bookingId, intentId);
    }
}
