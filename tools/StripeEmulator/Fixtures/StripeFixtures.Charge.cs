namespace StripeEmulator.Fixtures;

internal static partial class StripeFixtures
{
    // fixtures3.json resources.charge; the "source" (an ACH placeholder) and receipt_url are dropped.
    private const string ChargeJson = """
        {
          "id": "ch_1PgafuB7WZ01zgkWXYmPNZs8",
          "object": "charge",
          "amount": 100,
          "amount_captured": 0,
          "amount_refunded": 0,
          "application": null,
          "application_fee": null,
          "application_fee_amount": null,
          "balance_transaction": "txn_1PgaxNB7WZ01zgkWEV3TLf40",
          "billing_details": {
            "address": { "city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null },
            "email": null,
            "name": null,
            "phone": null
          },
          "calculated_statement_descriptor": "Stripe",
          "captured": false,
          "created": 1234567890,
          "currency": "usd",
          "customer": null,
          "description": null,
          "disputed": false,
          "failure_balance_transaction": null,
          "failure_code": null,
          "failure_message": null,
          "fraud_details": {},
          "livemode": false,
          "metadata": {},
          "on_behalf_of": null,
          "outcome": {
            "network_status": "approved_by_network",
            "reason": null,
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "Payment complete.",
            "type": "authorized"
          },
          "paid": true,
          "payment_intent": null,
          "payment_method": "card_1PgaftB7WZ01zgkWm3waTcFp",
          "payment_method_details": {
            "card": {
              "brand": "visa",
              "checks": { "address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass" },
              "country": "US",
              "exp_month": 8,
              "exp_year": 2030,
              "fingerprint": "AOB934RVNwzk6xtn",
              "funding": "credit",
              "installments": null,
              "last4": "4242",
              "mandate": null,
              "network": "visa",
              "three_d_secure": null,
              "wallet": null
            },
            "type": "card"
          },
          "receipt_email": null,
          "receipt_number": null,
          "receipt_url": null,
          "refunded": false,
          "refunds": { "object": "list", "data": [], "has_more": false, "url": "/v1/charges/ch_1PgafuB7WZ01zgkWXYmPNZs8/refunds" },
          "review": null,
          "shipping": null,
          "source_transfer": null,
          "statement_descriptor": null,
          "statement_descriptor_suffix": null,
          "status": "succeeded",
          "transfer_data": null,
          "transfer_group": null
        }
        """;
}
