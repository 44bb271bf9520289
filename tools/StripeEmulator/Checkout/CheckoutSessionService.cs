using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Fixtures;

namespace StripeEmulator.Checkout;

/// Checkout Sessions in payment mode, for the calls this service makes: create (line items with price_data only, as
/// the app sends them), retrieve, list (newest first; by payment_intent, customer or status), line items, and expire.
/// Like Stripe, a session has no PaymentIntent until the customer pays (<see cref="CheckoutPayment"/>), an open session
/// past its expires_at is expired (when next looked at), and expiring one that is not open is refused.
internal sealed partial class CheckoutSessionService(EmulatorState state)
{
    public ApiResult Create(StripeForm form, RequestInfo request, string pageBase)
    {
        if (Invalid(form) is { } invalid)
        {
            return invalid;
        }

        if (ParseLineItems(form, out var lineItems) is { } badItems)
        {
            return badItems;
        }

        lock (state.Sync)
        {
            if (form["customer"] is { Length: > 0 } customer && !state.CustomersById.ContainsKey(customer))
            {
                return StripeErrors.NoSuch("customer", customer, "customer") with { Status = 400 };
            }

            var id = state.NewId("cs_test_", 58);
            var now = state.Now();
            var currency = lineItems[0]!["currency"]!.GetValue<string>();
            var total = lineItems.Sum(i => i!["amount_total"]!.GetValue<long>());
            var session = StripeFixtures.CheckoutSession();
            session["id"] = id;
            session["created"] = now;
            session["expires_at"] = form.TryGetLong("expires_at", out var expiresAt, out _) && expiresAt is { } at ? at : now + (long)MaxLifetime.TotalSeconds;
            session["amount_subtotal"] = total;
            session["amount_total"] = total;
            session["currency"] = currency;
            session["customer"] = form["customer"] is { Length: > 0 } c ? c : null;
            session["client_reference_id"] = form["client_reference_id"] is { Length: > 0 } reference ? reference : null;
            session["metadata"] = Metadata(form.Hash("metadata"));
            session["success_url"] = form["success_url"];
            session["cancel_url"] = form["cancel_url"];
            session["url"] = $"{pageBase}/c/pay/{id}";
            state.CheckoutSessionsById[id] = session;
            state.CheckoutDrafts[id] = new CheckoutDraft(lineItems, Hash(form.Hash("payment_intent_data[metadata]")), form["payment_intent_data[description]"]);
            return ApiResult.Ok(Clone(session));
        }
    }

    public ApiResult Retrieve(string id, RequestInfo request)
    {
        lock (state.Sync)
        {
            return Find(id, request) is { } session ? ApiResult.Ok(Clone(session)) : StripeErrors.NoSuch("checkout.session", id);
        }
    }

    public ApiResult List(StripeForm query, RequestInfo request)
    {
        lock (state.Sync)
        {
            var matching = state.CheckoutSessionsById.Keys.ToList()
                .Select(id => Find(id, request)!)
                .Where(s => query["payment_intent"] is not { } intent || (string?)s["payment_intent"] == intent)
                .Where(s => query["customer"] is not { } customer || (string?)s["customer"] == customer)
                .Where(s => query["status"] is not { } status || (string?)s["status"] == status)
                .Reverse();
            return StripeLists.Page(query, "/v1/checkout/sessions", matching);
        }
    }

    public ApiResult LineItems(string id, StripeForm query)
    {
        lock (state.Sync)
        {
            return state.CheckoutDrafts.TryGetValue(id, out var draft)
                ? StripeLists.Page(query, $"/v1/checkout/sessions/{id}/line_items", draft.LineItems.Select(i => i!.AsObject()))
                : StripeErrors.NoSuch("checkout.session", id);
        }
    }

    public ApiResult Expire(string id, RequestInfo request)
    {
        lock (state.Sync)
        {
            if (Find(id, request) is not { } session)
            {
                return StripeErrors.NoSuch("checkout.session", id);
            }

            if ((string?)session["status"] != "open")
            {
                return new ApiResult(400, StripeErrors.Body(StripeErrors.InvalidRequest, $"This Checkout Session is {(string?)session["status"]}. Only Checkout Sessions with a status in [\"open\"] can be expired.", param: "session"));
            }

            ExpireLocked(session, request);
            return ApiResult.Ok(Clone(session));
        }
    }

    /// The session, expired first if its expires_at has passed (Stripe expires it then); call while holding Sync.
    internal JsonObject? Find(string id, RequestInfo request)
    {
        if (!state.CheckoutSessionsById.TryGetValue(id, out var session))
        {
            return null;
        }

        if ((string?)session["status"] == "open" && session["expires_at"]!.GetValue<long>() <= state.Now())
        {
            ExpireLocked(session, request);
        }

        return session;
    }

    /// Stripe cancels the session's PaymentIntent, if the customer got as far as making one, then expires the session.
    private void ExpireLocked(JsonObject session, RequestInfo request)
    {
        if ((string?)session["payment_intent"] is { } intentId && state.PaymentIntentsById.TryGetValue(intentId, out var intent) && (string?)intent["status"] is not ("canceled" or "succeeded" or "processing"))
        {
            intent["status"] = "canceled";
            intent["canceled_at"] = state.Now();
            intent["cancellation_reason"] = "abandoned";
            intent["next_action"] = null;
            state.RecordEvent("payment_intent.canceled", intent, request);
        }

        session["status"] = "expired";
        session["url"] = null;
        state.RecordEvent("checkout.session.expired", session, request);
    }

    private static JsonObject Clone(JsonObject value) => (JsonObject)value.DeepClone();
}
