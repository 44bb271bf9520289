using Stripe;

namespace PaymentFunctions.Payments;

/// Saved cards on the intents: savePaymentMethod asks Stripe to keep the card on the user's customer.
public sealed partial class PaymentIntentIssuer
{
    private const string OffSession = "off_session";
    private static readonly HashSet<string> UpdatableStatuses = ["requires_payment_method", "requires_confirmation", "requires_action"];

    /// The open intent saves the card or not, as the caller asks now (the SPA's "save my card" box may change between
    /// attempts); Stripe only lets an unconfirmed intent change.
    private async Task<PaymentIntent> SavingAsAskedAsync(PaymentIntent intent, string userId, bool savePaymentMethod, CancellationToken cancellationToken)
    {
        var wanted = savePaymentMethod ? OffSession : null;
        if (intent.SetupFutureUsage == wanted || !UpdatableStatuses.Contains(intent.Status))
        {
            return intent;
        }

        var update = new PaymentIntentUpdateOptions { SetupFutureUsage = wanted ?? "" };
        if (savePaymentMethod && intent.CustomerId is null)
        {
            update.Customer = await customers.ForUserAsync(userId, cancellationToken);
        }

        return await stripe.V1.PaymentIntents.UpdateAsync(intent.Id, update, cancellationToken: cancellationToken);
    }
}
