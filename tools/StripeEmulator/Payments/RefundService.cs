using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Customers;
using StripeEmulator.Fixtures;

namespace StripeEmulator.Payments;

/// Refunds of a succeeded charge (named directly or through its PaymentIntent), full or partial, never more than
/// is left. A card refund is answered "pending" and settles to "succeeded" right after, so the events are Stripe's:
/// charge.refunded (the charge with its new amount_refunded), refund.created, refund.updated. A refund of a
/// pm_card_refundFail charge is answered "succeeded" and fails later (<see cref="RefundFailure"/>), as in test mode.
internal sealed class RefundService(EmulatorState state, PaymentMethodService paymentMethods, RefundFailure failure)
{
    private static readonly string[] Reasons = ["duplicate", "fraudulent", "requested_by_customer"];

    public ApiResult Create(StripeForm form, RequestInfo request)
    {
        var intentId = form["payment_intent"];
        var chargeId = form["charge"];
        if (intentId is null && chargeId is null)
        {
            return StripeErrors.Invalid("charge", "One of the following params should be provided for this request: payment_intent or charge.", "parameter_missing");
        }

        if (!form.TryGetLong("amount", out var amount, out var invalid))
        {
            return invalid!;
        }

        if (amount is < 1)
        {
            return StripeErrors.Invalid("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer");
        }

        if (form["reason"] is { } reason && !Reasons.Contains(reason))
        {
            return StripeErrors.Invalid("reason", $"Invalid reason: must be one of {string.Join(", ", Reasons)}");
        }

        lock (state.Sync)
        {
            if (intentId is not null)
            {
                if (!state.PaymentIntentsById.TryGetValue(intentId, out var intent))
                {
                    return StripeErrors.NoSuch("payment_intent", intentId, "payment_intent") with { Status = 400 };
                }

                if (intent["status"]!.GetValue<string>() != "succeeded")
                {
                    return StripeErrors.Invalid("payment_intent", $"This PaymentIntent ({intentId}) does not have a successful charge to refund.", "charge_not_refundable") with { Saved = true };
                }

                chargeId = intent["latest_charge"]!.GetValue<string>();
            }

            if (!state.ChargesById.TryGetValue(chargeId!, out var charge))
            {
                return StripeErrors.NoSuch("charge", chargeId!, "charge") with { Status = 400 };
            }

            var captured = charge["amount_captured"]!.GetValue<long>();
            var refunded = charge["amount_refunded"]!.GetValue<long>();
            if (refunded >= captured)
            {
                return new ApiResult(400, StripeErrors.Body(StripeErrors.InvalidRequest, $"Charge {chargeId} has already been refunded.", "charge_already_refunded"));
            }

            var refundAmount = amount ?? captured - refunded;
            if (refundAmount > captured - refunded)
            {
                return new ApiResult(400, StripeErrors.Body(StripeErrors.InvalidRequest, $"Refund amount ({refundAmount}) is greater than unrefunded amount on charge ({captured - refunded})", "amount_too_large", "amount"));
            }

            var refund = StripeFixtures.Refund();
            refund["id"] = state.NewId("re_");
            var fails = charge["payment_method"]?.GetValue<string>() is { } paymentMethod && paymentMethods.CardOf(paymentMethod).RefundFails;
            refund["status"] = fails ? "succeeded" : "pending";
            refund["amount"] = refundAmount;
            refund["charge"] = chargeId;
            refund["created"] = state.Now();
            refund["currency"] = charge["currency"]!.GetValue<string>();
            refund["payment_intent"] = charge["payment_intent"]?.GetValue<string>();
            refund["reason"] = form["reason"];
            refund["metadata"] = new JsonObject([.. (form.Hash("metadata") ?? []).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]);
            state.RefundsById[refund["id"]!.GetValue<string>()] = refund;

            charge["amount_refunded"] = refunded + refundAmount;
            charge["refunded"] = refunded + refundAmount == captured;
            charge["refunds"]!["data"]!.AsArray().Insert(0, refund.DeepClone());
            state.RecordEvent("charge.refunded", charge, request);
            state.RecordEvent("refund.created", refund, request);
            var answer = ApiResult.Ok((JsonObject)refund.DeepClone());
            if (fails)
            {
                failure.Schedule(refund["id"]!.GetValue<string>(), request);
                return answer;
            }

            refund["status"] = "succeeded";
            refund["balance_transaction"] = state.NewId("txn_");
            charge["refunds"]!["data"]![0] = refund.DeepClone();
            state.RecordEvent("refund.updated", refund, request);
            return answer;
        }
    }

    /// GET /v1/refunds, optionally for one charge or PaymentIntent, newest first.
    public ApiResult List(StripeForm query)
    {
        var charge = query["charge"];
        var intent = query["payment_intent"];
        lock (state.Sync)
        {
            var matching = state.RefundsById.Values.Reverse()
                .Where(r => (charge is null || r["charge"]?.GetValue<string>() == charge) && (intent is null || r["payment_intent"]?.GetValue<string>() == intent));
            return StripeLists.Page(query, "/v1/refunds", matching);
        }
    }

    public ApiResult Retrieve(string kind, string id)
    {
        var store = kind == "refund" ? state.RefundsById : state.ChargesById;
        lock (state.Sync)
        {
            return store.TryGetValue(id, out var found) ? ApiResult.Ok((JsonObject)found.DeepClone()) : StripeErrors.NoSuch(kind, id);
        }
    }
}
