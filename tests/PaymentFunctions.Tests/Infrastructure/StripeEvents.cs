using System.Text;
using System.Text.Json.Nodes;

namespace PaymentFunctions.Tests.Infrastructure;

/// Stripe events for tests, built on Stripe's own fixtures (../shared/reference/stripe/fixtures3.json) with the
/// fields our mapping reads set to the test's values.
public static class StripeEvents
{
    private static readonly Lazy<JsonObject> Fixtures = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(RepoPaths.SharedReference("stripe", "fixtures3.json")))!["resources"]!);

    private static long _sequence;

    public static JsonObject PaymentIntent(string type, string intentId, string? bookingId, long amount = 2500, string currency = "eur", DateTimeOffset? created = null, string? declineCode = null)
    {
        var intent = Fixture("payment_intent");
        intent["id"] = intentId;
        intent["amount"] = amount;
        intent["amount_received"] = type == "payment_intent.succeeded" ? amount : 0;
        intent["currency"] = currency;
        intent["metadata"] = bookingId is null ? new JsonObject() : new JsonObject { ["bookingId"] = bookingId };
        intent["status"] = type switch
        {
            "payment_intent.succeeded" => "succeeded",
            "payment_intent.canceled" => "canceled",
            "payment_intent.processing" => "processing",
            "payment_intent.requires_action" => "requires_action",
            _ => "requires_payment_method",
        };
        if (declineCode is not null)
        {
            intent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = declineCode, ["message"] = "Your card was declined." };
        }

        return Event(type, intent, created);
    }

    public static JsonObject ChargeRefunded(string chargeId, string intentId, long amount, long amountRefunded, DateTimeOffset? created = null)
    {
        var charge = Fixture("charge");
        charge["id"] = chargeId;
        charge["payment_intent"] = intentId;
        charge["amount"] = amount;
        charge["amount_refunded"] = amountRefunded;
        charge["refunded"] = amountRefunded >= amount;
        charge["currency"] = "eur";
        charge["metadata"] = new JsonObject();
        return Event("charge.refunded", charge, created);
    }

    /// A refund event (refund.created, refund.updated, refund.failed, charge.refund.updated) carrying the refund as
    /// Stripe's fixture shapes it; our own refunds carry bookingId and kind in their metadata.
    public static JsonObject Refund(string type, string refundId, string intentId, string? bookingId, long amount, string status, DateTimeOffset refundCreated, string? failureReason = null, DateTimeOffset? created = null)
    {
        var refund = Fixture("refund");
        refund["id"] = refundId;
        refund["payment_intent"] = intentId;
        refund["charge"] = "ch_" + refundId[3..];
        refund["amount"] = amount;
        refund["currency"] = "eur";
        refund["status"] = status;
        refund["failure_reason"] = failureReason;
        refund["created"] = refundCreated.ToUnixTimeSeconds();
        refund["metadata"] = bookingId is null ? new JsonObject() : new JsonObject { ["bookingId"] = bookingId, ["kind"] = "cancel" };
        return Event(type, refund, created);
    }

    /// A checkout.session.* event for one of our sessions (client_reference_id and metadata name the booking);
    /// intentId null: a session nobody tried to pay.
    public static JsonObject CheckoutSession(string type, string sessionId, string? bookingId, string? intentId, string paymentStatus, string status, long amount = 2500, DateTimeOffset? created = null)
    {
        var session = Fixture("checkout.session");
        session["id"] = sessionId;
        session["client_reference_id"] = bookingId;
        session["metadata"] = bookingId is null ? new JsonObject() : new JsonObject { ["bookingId"] = bookingId };
        session["payment_intent"] = intentId;
        session["payment_status"] = paymentStatus;
        session["status"] = status;
        session["amount_subtotal"] = amount;
        session["amount_total"] = amount;
        session["currency"] = "eur";
        return Event(type, session, created);
    }

    public static JsonObject Dispute(string type, string disputeId, string intentId, long amount, string status, DateTimeOffset? created = null)
    {
        var dispute = Fixture("dispute");
        dispute["id"] = disputeId;
        dispute["payment_intent"] = intentId;
        dispute["amount"] = amount;
        dispute["currency"] = "eur";
        dispute["status"] = status;
        return Event(type, dispute, created);
    }

    public static JsonObject Event(string type, JsonObject dataObject, DateTimeOffset? created = null)
    {
        var stripeEvent = Fixture("event");
        stripeEvent["id"] = $"evt_test{Interlocked.Increment(ref _sequence):D8}{Guid.NewGuid().ToString("N")[..8]}";
        stripeEvent["type"] = type;
        stripeEvent["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        stripeEvent["livemode"] = false;
        stripeEvent["api_version"] = Stripe.StripeConfiguration.ApiVersion;
        stripeEvent["data"] = new JsonObject { ["object"] = dataObject };
        return stripeEvent;
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, JsonObject stripeEvent, string secret = PaymentAppHost.WebhookSecret, long? timestamp = null)
    {
        var body = Encoding.UTF8.GetBytes(stripeEvent.ToJsonString());
        return await PostRawAsync(client, body, StripeSigner.Header(body, secret, timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    }

    public static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, byte[] body, string? signatureHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        if (signatureHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signatureHeader);
        }

        return await client.SendAsync(request);
    }

    private static JsonObject Fixture(string name) => (JsonObject)Fixtures.Value[name]!.DeepClone();
}
