using System.Text.Json.Nodes;

namespace StripeEmulator.Fixtures;

internal static partial class StripeFixtures
{
    public static JsonObject CheckoutSession() => Parse(CheckoutSessionJson);

    public static JsonObject CheckoutLineItem() => Parse(CheckoutLineItemJson);

    // fixtures3.json resources.checkout.session, as a fresh hosted payment-mode session is: the generator's
    // placeholders (shipping, totals, custom text, currency conversion, customer details, invoice creation, recovery,
    // payment_intent) are what test mode returns before the customer pays.
    private const string CheckoutSessionJson = """
        {
          "id": "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
          "object": "checkout.session",
          "adaptive_pricing": { "enabled": false },
          "after_expiration": null,
          "allow_promotion_codes": null,
          "amount_subtotal": null,
          "amount_total": null,
          "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
          "billing_address_collection": null,
          "cancel_url": null,
          "client_reference_id": null,
          "client_secret": null,
          "collected_information": null,
          "consent": null,
          "consent_collection": null,
          "created": 1234567890,
          "currency": null,
          "currency_conversion": null,
          "custom_fields": [],
          "custom_text": { "after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null },
          "customer": null,
          "customer_creation": null,
          "customer_details": null,
          "customer_email": null,
          "discounts": [],
          "expires_at": 1234567890,
          "invoice": null,
          "invoice_creation": { "enabled": false, "invoice_data": { "account_tax_ids": null, "custom_fields": null, "description": null, "footer": null, "issuer": null, "metadata": {}, "rendering_options": null } },
          "livemode": false,
          "locale": null,
          "metadata": {},
          "mode": "payment",
          "payment_intent": null,
          "payment_link": null,
          "payment_method_collection": "if_required",
          "payment_method_configuration_details": null,
          "payment_method_options": {},
          "payment_method_types": ["card"],
          "payment_status": "unpaid",
          "phone_number_collection": { "enabled": false },
          "recovered_from": null,
          "saved_payment_method_options": null,
          "setup_intent": null,
          "shipping_address_collection": null,
          "shipping_cost": null,
          "shipping_options": [],
          "status": "open",
          "submit_type": null,
          "subscription": null,
          "success_url": null,
          "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
          "ui_mode": "hosted",
          "url": null,
          "wallet_options": null
        }
        """;

    // fixtures3.json resources.item (a Checkout Session's line item) with an ad-hoc one-time price (price_data).
    private const string CheckoutLineItemJson = """
        {
          "id": "li_1Pgc73B7WZ01zgkWx8kcmZPK",
          "object": "item",
          "amount_discount": 0,
          "amount_subtotal": 0,
          "amount_tax": 0,
          "amount_total": 0,
          "currency": "usd",
          "description": "T-shirt",
          "metadata": {},
          "price": {
            "id": "price_1PgafmB7WZ01zgkW02Hf9z6c",
            "object": "price",
            "active": false,
            "billing_scheme": "per_unit",
            "created": 1234567890,
            "currency": "usd",
            "custom_unit_amount": null,
            "livemode": false,
            "lookup_key": null,
            "metadata": {},
            "nickname": null,
            "product": "prod_QXg1hqf4jFNsqG",
            "recurring": null,
            "tax_behavior": "unspecified",
            "tiers_mode": null,
            "transform_quantity": null,
            "type": "one_time",
            "unit_amount": 1000,
            "unit_amount_decimal": "1000"
          },
          "quantity": 1
        }
        """;
}
