using System.Text.Json.Nodes;

namespace StripeEmulator.Fixtures;

/// Templates of the objects the emulator returns, copied from Stripe's OpenAPI fixtures
/// (stripe/openapi fixtures3.json, resources.payment_intent / charge / refund / event, as kept in
/// shared/reference/stripe). Ids, amounts and timestamps are overwritten per object. Placeholder values
/// the generator put in fields that are null on a fresh object (last_payment_error, next_action,
/// processing, transfer_data, source, canceled_at) are reset to what test mode returns; the card
/// details are the 4242 visa test card's.
internal static partial class StripeFixtures
{
    public static JsonObject PaymentIntent() => Parse(PaymentIntentJson);

    public static JsonObject Charge() => Parse(ChargeJson);

    public static JsonObject Refund() => Parse(RefundJson);

    public static JsonObject Event() => Parse(EventJson);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private const string PaymentIntentJson = """
        {
          "id": "pi_1PgafyB7WZ01zgkWSjxsAJo3",
          "object": "payment_intent",
          "amount": 1099,
          "amount_capturable": 0,
          "amount_details": { "tip": {} },
          "amount_received": 0,
          "application": null,
          "application_fee_amount": null,
          "automatic_payment_methods": null,
          "canceled_at": null,
          "cancellation_reason": null,
          "capture_method": "automatic",
          "client_secret": "pi_1PgafyB7WZ01zgkWSjxsAJo3_secret_Dm43xiq1k0ywrRRjDoi8y1gkM",
          "confirmation_method": "automatic",
          "created": 1234567890,
          "currency": "usd",
          "customer": null,
          "description": null,
          "last_payment_error": null,
          "latest_charge": null,
          "livemode": false,
          "metadata": {},
          "next_action": null,
          "on_behalf_of": null,
          "payment_method": null,
          "payment_method_configuration_details": null,
          "payment_method_options": {},
          "payment_method_types": ["card"],
          "processing": null,
          "receipt_email": null,
          "review": null,
          "setup_future_usage": null,
          "shipping": null,
          "source": null,
          "statement_descriptor": null,
          "statement_descriptor_suffix": null,
          "status": "requires_payment_method",
          "transfer_data": null,
          "transfer_group": null
        }
        """;

    private const string RefundJson = """
        {
          "id": "re_1Pgc72B7WZ01zgkWqPvrRrPE",
          "object": "refund",
          "amount": 100,
          "balance_transaction": null,
          "charge": "ch_1PgafuB7WZ01zgkWXYmPNZs8",
          "created": 1234567890,
          "currency": "usd",
          "destination_details": { "card": { "type": "reversal" }, "type": "card" },
          "metadata": {},
          "payment_intent": null,
          "reason": null,
          "receipt_number": null,
          "source_transfer_reversal": null,
          "status": "succeeded",
          "transfer_reversal": null
        }
        """;

    private const string EventJson = """
        {
          "id": "evt_1Pgc76B7WZ01zgkWwyRHS12y",
          "object": "event",
          "api_version": null,
          "created": 1234567890,
          "data": { "object": {} },
          "livemode": false,
          "pending_webhooks": 0,
          "request": { "id": null, "idempotency_key": null },
          "type": "plan.created"
        }
        """;
}
