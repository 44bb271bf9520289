using System.Text.Json.Nodes;

namespace StripeEmulator.Checkout;

/// What Stripe keeps of a Checkout Session without returning it on the session: its line items (GET .../line_items)
/// and what its PaymentIntent is made with when the customer pays (payment_intent_data).
internal sealed record CheckoutDraft(JsonArray LineItems, Dictionary<string, string> IntentMetadata, string? IntentDescription);
