using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;
using StripeEmulator.Api;
using StripeEmulator.Payments;

namespace StripeEmulator.Checkout;

/// What Stripe's hosted page does when the customer pays: the session's PaymentIntent is made on the first try (amount,
/// currency and customer from the session, metadata and description from payment_intent_data; its
/// payment_intent.created) and confirmed with the chosen test card, so the events are the PaymentIntent's own
/// (charge.succeeded, payment_intent.succeeded; or charge.failed, payment_intent.payment_failed), then, once paid,
/// checkout.session.completed with payment_status "paid". A declined card leaves the session open with its intent,
/// and the next try confirms the same intent, as Checkout does.
internal sealed class CheckoutPayment(EmulatorState state, CheckoutSessionService sessions, PaymentIntentService intents)
{
    public JsonObject? Find(string id)
    {
        lock (state.Sync)
        {
            return sessions.Find(id, NewRequest())?.DeepClone().AsObject();
        }
    }

    public JsonArray LineItems(string id)
    {
        lock (state.Sync)
        {
            return state.CheckoutDrafts.TryGetValue(id, out var draft) ? (JsonArray)draft.LineItems.DeepClone() : [];
        }
    }

    public PayOutcome Pay(string id, string paymentMethod)
    {
        var request = NewRequest();
        lock (state.Sync)
        {
            if (sessions.Find(id, request) is not { } session)
            {
                return new PayOutcome(PayResult.NoSuchSession);
            }

            if ((string?)session["status"] != "open")
            {
                return new PayOutcome(PayResult.NotOpen, (string?)session["status"]);
            }

            var intentId = (string?)session["payment_intent"] ?? CreateIntent(session, request);
            var confirmed = intents.Confirm(intentId, new StripeForm(new Dictionary<string, StringValues> { ["payment_method"] = paymentMethod }), request);
            if (confirmed.Status == StatusCodes.Status402PaymentRequired)
            {
                return new PayOutcome(PayResult.Declined, (string?)confirmed.Body["error"]?["message"]);
            }

            var status = (string?)confirmed.Body["status"];
            if (confirmed.Status != StatusCodes.Status200OK || status != "succeeded")
            {
                return new PayOutcome(status == "requires_action" ? PayResult.RequiresAction : PayResult.Declined, (string?)confirmed.Body["error"]?["message"]);
            }

            session["status"] = "complete";
            session["payment_status"] = "paid";
            session["url"] = null;
            state.RecordEvent("checkout.session.completed", session, request);
            return new PayOutcome(PayResult.Paid, ((string?)session["success_url"])?.Replace("{CHECKOUT_SESSION_ID}", id, StringComparison.Ordinal));
        }
    }

    private string CreateIntent(JsonObject session, RequestInfo request)
    {
        var draft = state.CheckoutDrafts[(string)session["id"]!];
        var form = new Dictionary<string, StringValues>
        {
            ["amount"] = session["amount_total"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture),
            ["currency"] = (string?)session["currency"],
            ["payment_method_types[0]"] = "card",
        };
        if ((string?)session["customer"] is { } customer)
        {
            form["customer"] = customer;
        }

        if (draft.IntentDescription is { } description)
        {
            form["description"] = description;
        }

        foreach (var (key, value) in draft.IntentMetadata)
        {
            form[$"metadata[{key}]"] = value;
        }

        var created = intents.Create(new StripeForm(form), request);
        var intentId = (string)created.Body["id"]!;
        session["payment_intent"] = intentId;
        state.CheckoutIntents[intentId] = (string)session["id"]!;
        return intentId;
    }

    // The page's own request, as Stripe records its hosted page's calls in event.request (no key of ours).
    private RequestInfo NewRequest() => new(state.NewId("req_", 14), null);
}

internal enum PayResult
{
    Paid,
    Declined,
    RequiresAction,
    NotOpen,
    NoSuchSession,
}

/// Detail: the success URL to go to (Paid), the card's decline message (Declined), or the session's status (NotOpen).
internal sealed record PayOutcome(PayResult Result, string? Detail = null);
