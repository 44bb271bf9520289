namespace PaymentFunctions.Payments.StripeApi;

/// What the app writes on the PaymentIntent Stripe makes for one of its Checkout Sessions (payment_intent_data.metadata),
/// beside the booking and the user. Only a hint that Stripe should be asked which session owns the intent: metadata can
/// be set by anything on the account, so it is never taken as proof. Intents of the PaymentIntent flow carry no
/// hint, so their webhooks ask nothing.
public static class CheckoutMetadata
{
    public const string FlowKey = "paymentFlow";
    public const string CheckoutFlow = "checkout_session";

    public static bool MarksCheckout(Dictionary<string, string>? metadata) => metadata?.GetValueOrDefault(FlowKey) == CheckoutFlow;
}
