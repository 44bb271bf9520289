using System.Text.Json.Nodes;

namespace StripeEmulator.Fixtures;

internal static partial class StripeFixtures
{
    public static JsonObject Customer() => Parse(CustomerJson);

    public static JsonObject PaymentMethod() => Parse(PaymentMethodJson);

    // fixtures3.json resources.customer; the generator's placeholder discount is null on a fresh customer.
    private const string CustomerJson = """
        {
          "id": "cus_QXg1o8vcGmoR32",
          "object": "customer",
          "address": null,
          "balance": 0,
          "created": 1234567890,
          "currency": null,
          "default_source": null,
          "delinquent": false,
          "description": null,
          "discount": null,
          "email": null,
          "invoice_prefix": "7FE1103",
          "invoice_settings": { "custom_fields": null, "default_payment_method": null, "footer": null, "rendering_options": null },
          "livemode": false,
          "metadata": {},
          "name": null,
          "next_invoice_sequence": 1,
          "phone": null,
          "preferred_locales": [],
          "shipping": null,
          "tax_exempt": "none",
          "test_clock": null
        }
        """;

    // fixtures3.json resources.payment_method, without the sample billing details and metadata; the card
    // fields are overwritten per test card.
    private const string PaymentMethodJson = """
        {
          "id": "pm_1Pgc75B7WZ01zgkWlHVgdEGJ",
          "object": "payment_method",
          "allow_redisplay": "unspecified",
          "billing_details": {
            "address": { "city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null },
            "email": null,
            "name": null,
            "phone": null,
            "tax_id": null
          },
          "card": {
            "brand": "visa",
            "checks": { "address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass" },
            "country": "US",
            "display_brand": "visa",
            "exp_month": 8,
            "exp_year": 2030,
            "fingerprint": "AOB934RVNwzk6xtn",
            "funding": "credit",
            "generated_from": null,
            "last4": "4242",
            "networks": { "available": ["visa"], "preferred": null },
            "regulated_status": "unregulated",
            "three_d_secure_usage": { "supported": true },
            "wallet": null
          },
          "created": 1234567890,
          "customer": null,
          "livemode": false,
          "metadata": {},
          "type": "card"
        }
        """;
}
