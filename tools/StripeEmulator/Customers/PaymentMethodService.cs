using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Fixtures;
using StripeEmulator.Payments;

namespace StripeEmulator.Customers;

/// PaymentMethods as Stripe test mode hands them out: a pm_card_* token used on an intent becomes a pm_ object with
/// the test card's brand, last4 and expiry; a confirm with setup_future_usage attaches it to the intent's customer;
/// list by customer, retrieve, detach. A detached card cannot be used again, as at Stripe.
internal sealed class PaymentMethodService(EmulatorState state)
{
    private const string NotReusable = "This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.";

    public ApiResult Retrieve(string id)
    {
        lock (state.Sync)
        {
            return state.PaymentMethodsById.TryGetValue(id, out var found) ? ApiResult.Ok(Clone(found)) : StripeErrors.NoSuch("PaymentMethod", id);
        }
    }

    /// GET /v1/payment_methods?customer=&amp;type= and GET /v1/customers/{id}/payment_methods.
    public ApiResult List(StripeForm query, string? customerFromPath = null)
    {
        var customer = customerFromPath ?? query["customer"];
        if (query["type"] is { } type && type != "card")
        {
            return StripeLists.Page(query, "/v1/payment_methods", []);
        }

        lock (state.Sync)
        {
            if (customer is not null && !state.CustomersById.ContainsKey(customer))
            {
                return StripeErrors.NoSuch("customer", customer, "customer");
            }

            var attached = state.PaymentMethodsById.Values.Reverse()
                .Where(pm => customer is null ? pm["customer"] is not null : pm["customer"]?.GetValue<string>() == customer);
            return StripeLists.Page(query, customerFromPath is null ? "/v1/payment_methods" : $"/v1/customers/{customer}/payment_methods", attached);
        }
    }

    public ApiResult Detach(string id, RequestInfo request)
    {
        lock (state.Sync)
        {
            if (!state.PaymentMethodsById.TryGetValue(id, out var pm))
            {
                return StripeErrors.NoSuch("PaymentMethod", id);
            }

            if (pm["customer"] is null)
            {
                return StripeErrors.Invalid("payment_method", "The payment method you provided is not attached to a customer so detachment is impossible.", "payment_method_unexpected_state") with { Saved = true };
            }

            pm["customer"] = null;
            state.DetachedPaymentMethods.Add(id);
            state.RecordEvent("payment_method.detached", pm, request);
            return ApiResult.Ok(Clone(pm));
        }
    }

    /// A token becomes a fresh pm_ id, an id handed out before resolves to itself, anything else is null.
    /// Call while holding Sync.
    public string? Resolve(string value)
    {
        if (state.PaymentMethodsById.ContainsKey(value))
        {
            return value;
        }

        if (!TestPaymentMethods.Tokens.TryGetValue(value, out var card))
        {
            return null;
        }

        var pm = StripeFixtures.PaymentMethod();
        pm["id"] = state.NewId("pm_");
        pm["created"] = state.Now();
        var details = pm["card"]!.AsObject();
        details["brand"] = card.Brand;
        details["display_brand"] = card.Brand;
        details["last4"] = card.Last4;
        details["exp_month"] = card.ExpMonth;
        details["exp_year"] = card.ExpYear;
        details["networks"] = new JsonObject { ["available"] = new JsonArray(card.Brand), ["preferred"] = null };
        var id = pm["id"]!.GetValue<string>();
        state.PaymentMethodsById[id] = pm;
        state.PaymentMethodTokens[id] = value;
        return id;
    }

    /// Why the PaymentMethod cannot pay an intent of this customer, or null. Call while holding Sync.
    public ApiResult? Unusable(string id, string? customer)
    {
        var owner = state.PaymentMethodsById[id]["customer"]?.GetValue<string>();
        if (state.DetachedPaymentMethods.Contains(id))
        {
            return StripeErrors.Invalid("payment_method", NotReusable, "payment_method_unexpected_state") with { Saved = true };
        }

        return owner is not null && owner != customer
            ? StripeErrors.Invalid("payment_method", $"The provided PaymentMethod belongs to a different Customer ({owner}).", "payment_method_unexpected_state") with { Saved = true }
            : null;
    }

    public TestPaymentMethods.Card CardOf(string id) => TestPaymentMethods.Tokens[state.PaymentMethodTokens[id]];

    /// Saves the card for off-session use, as a successful confirm with setup_future_usage does. Call while holding Sync.
    public void Attach(string id, string customer, RequestInfo request)
    {
        var pm = state.PaymentMethodsById[id];
        if (pm["customer"]?.GetValue<string>() == customer)
        {
            return;
        }

        pm["customer"] = customer;
        state.RecordEvent("payment_method.attached", pm, request);
    }

    private static JsonObject Clone(JsonObject value) => (JsonObject)value.DeepClone();
}
