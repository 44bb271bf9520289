using Stripe;

namespace PaymentFunctions.Webhooks;

/// What an event read from Stripe's API (GET /v1/events by reconciliation, GET /v1/events/{id} by a replay) must pass
/// before the pipeline stores it: the checks SignedEventReader makes on a webhook after its signature. An API answer
/// needs no signature (it came from Stripe over TLS with our key), and no mode check (the key decides the mode).
public static class FetchedEvents
{
    /// Why the event is not read, or null: another API release (Stripe.net's types fit only its own), or a field
    /// without Stripe's shape.
    public static string? Refusal(Event stripeEvent)
    {
        ArgumentNullException.ThrowIfNull(stripeEvent);
        return StripeApiVersion.IsCompatible(stripeEvent.ApiVersion)
            ? StripeEventShape.Refusal(stripeEvent)
            : StripeApiVersion.Mismatch(stripeEvent.Id, stripeEvent.ApiVersion);
    }
}
