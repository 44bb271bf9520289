using Stripe;

namespace PaymentFunctions.Webhooks;

/// Stripe renders an event's data.object in the API version named by its api_version (a webhook endpoint's
/// own version; the account's default for events listed through the API). Stripe.net's types describe only the
/// version it pins, so an event of another release (another shape) is never read as typed objects: the webhook
/// refuses it (409, Stripe redelivers once endpoint and app agree) and reconciliation reports it as a failure.
public static class StripeApiVersion
{
    /// The version Stripe.net sends as Stripe-Version and parses, e.g. 2026-10-28.endive.
    public static string Expected => StripeConfiguration.ApiVersion;

    /// Stripe.net's own rule (the one ConstructEvent applies): the same release name (".endive") is compatible,
    /// since Stripe changes no shape within a release; anything else, or no version at all, is not.
    public static bool IsCompatible(string? eventApiVersion) =>
        eventApiVersion is { Length: > 0 } && EventUtility.IsCompatibleApiVersion(eventApiVersion);

    public static string Mismatch(string eventId, string? eventApiVersion) =>
        $"Stripe event {eventId} is rendered in API version {eventApiVersion ?? "(none)"}, but this app (Stripe.net {StripeConfiguration.StripeNetVersion}) reads {Expected}; align the webhook endpoint's API version (or the app) and Stripe redelivers it.";
}
