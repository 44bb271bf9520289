using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Fixtures;
using static StripeEmulator.Payments.TestPaymentMethods;

namespace StripeEmulator.Payments;

internal sealed partial class PaymentIntentService
{
    private static readonly string[] ConfirmableStatuses = ["requires_confirmation", "requires_payment_method", "requires_action"];
    private static readonly string[] CancelableStatuses = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];
    private const string ReturnUrlRequired = "A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.";
    private static readonly string[] CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];

    public ApiResult Confirm(string id, StripeForm form, RequestInfo request)
    {
        lock (state.Sync)
        {
            return PaymentIntentsById.TryGetValue(id, out var intent) ? ConfirmLocked(intent, form, request) : StripeErrors.NoSuch("payment_intent", id);
        }
    }

    public ApiResult Cancel(string id, StripeForm form, RequestInfo request)
    {
        var reason = form["cancellation_reason"];
        if (reason is not null && !CancellationReasons.Contains(reason))
        {
            return StripeErrors.Invalid("cancellation_reason", $"Invalid cancellation_reason: must be one of {string.Join(", ", CancellationReasons)}");
        }

        lock (state.Sync)
        {
            if (!PaymentIntentsById.TryGetValue(id, out var intent))
            {
                return StripeErrors.NoSuch("payment_intent", id);
            }

            // Stripe: the PaymentIntent of a Checkout Session is canceled by expiring the session (unless it awaits capture).
            if (state.CheckoutIntents.TryGetValue(id, out var sessionId) && Status(intent) != "requires_capture")
            {
                return StripeErrors.UnexpectedState($"You cannot cancel this PaymentIntent because it was created by Checkout Session {sessionId}. Expire the Checkout Session instead.", intent);
            }

            var status = Status(intent);
            if (!CancelableStatuses.Contains(status))
            {
                return StripeErrors.UnexpectedState($"You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be canceled: {string.Join(", ", CancelableStatuses)}.", intent);
            }

            intent["status"] = "canceled";
            intent["canceled_at"] = state.Now();
            intent["cancellation_reason"] = reason;
            intent["next_action"] = null;
            state.RecordEvent("payment_intent.canceled", intent, request);
            return ApiResult.Ok(Clone(intent));
        }
    }

    private static ApiResult NoSuchPaymentMethod(string id) => StripeErrors.NoSuch("PaymentMethod", id, "payment_method") with { Status = 400 };

    private ApiResult ConfirmLocked(JsonObject intent, StripeForm form, RequestInfo request)
    {
        var status = Status(intent);
        if (!ConfirmableStatuses.Contains(status))
        {
            return StripeErrors.UnexpectedState($"You cannot confirm this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be confirmed: {string.Join(", ", ConfirmableStatuses)}.", intent);
        }

        // Real Stripe refuses a server-side confirm that could need a redirect but has nowhere to return to.
        if (intent["automatic_payment_methods"] is JsonObject { } automatic && automatic["enabled"]?.GetValue<bool>() == true
            && automatic["allow_redirects"]?.GetValue<string>() != "never" && string.IsNullOrEmpty(form["return_url"]))
        {
            return StripeErrors.Invalid("return_url", ReturnUrlRequired);
        }

        if (InvalidSetupFutureUsage(form) is { } invalidUsage)
        {
            return invalidUsage;
        }

        var requested = form["payment_method"] ?? intent["payment_method"]?.GetValue<string>();
        if (requested is null)
        {
            return StripeErrors.Invalid("payment_method", "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.", "payment_intent_unexpected_state") with { Saved = true };
        }

        if (paymentMethods.Resolve(requested) is not { } paymentMethod)
        {
            return NoSuchPaymentMethod(requested);
        }

        var customer = intent["customer"]?.GetValue<string>();
        if (paymentMethods.Unusable(paymentMethod, customer) is { } unusable)
        {
            return unusable;
        }

        if (form["setup_future_usage"] is { } usage)
        {
            intent["setup_future_usage"] = usage.Length == 0 ? null : usage;
        }

        var card = paymentMethods.CardOf(paymentMethod);
        intent["payment_method"] = paymentMethod;
        intent["last_payment_error"] = null;
        intent["next_action"] = null;
        switch (card.Behaviour)
        {
            case Behaviour.RequiresAction:
                intent["status"] = "requires_action";
                intent["next_action"] = new JsonObject
                {
                    ["type"] = "redirect_to_url",
                    ["redirect_to_url"] = new JsonObject
                    {
                        ["return_url"] = form["return_url"],
                        ["url"] = $"https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_emulator&payment_intent={intent["id"]}",
                    },
                };
                state.RecordEvent("payment_intent.requires_action", intent, request);
                return ApiResult.Ok(Expanded(intent, form));
            case Behaviour.Declines:
                return Decline(intent, paymentMethod, card, request);
            default:
                var charge = NewCharge(intent, paymentMethod, card);
                intent["status"] = "succeeded";
                intent["amount_received"] = intent["amount"]!.GetValue<long>();
                intent["latest_charge"] = charge["id"]!.GetValue<string>();
                if (customer is not null && intent["setup_future_usage"] is not null)
                {
                    paymentMethods.Attach(paymentMethod, customer, request);
                }

                state.RecordEvent("charge.succeeded", charge, request);
                state.RecordEvent("payment_intent.succeeded", intent, request);
                return ApiResult.Ok(Expanded(intent, form));
        }
    }

    private ApiResult Decline(JsonObject intent, string paymentMethod, Card card, RequestInfo request)
    {
        var charge = NewCharge(intent, paymentMethod, card);
        charge["status"] = "failed";
        charge["paid"] = false;
        charge["captured"] = false;
        charge["amount_captured"] = 0;
        charge["balance_transaction"] = null;
        charge["failure_code"] = "card_declined";
        charge["failure_message"] = card.DeclineMessage;
        charge["outcome"] = new JsonObject
        {
            ["network_status"] = "declined_by_network",
            ["reason"] = card.DeclineCode,
            ["risk_level"] = "normal",
            ["risk_score"] = 32,
            ["seller_message"] = "The bank did not return any further details with this decline.",
            ["type"] = "issuer_declined",
        };

        var body = StripeErrors.Body("card_error", card.DeclineMessage!, "card_declined", declineCode: card.DeclineCode);
        var error = body["error"]!.AsObject();
        error["charge"] = charge["id"]!.GetValue<string>();
        error["payment_method"] = new JsonObject { ["id"] = paymentMethod, ["object"] = "payment_method", ["type"] = "card", ["card"] = new JsonObject { ["brand"] = card.Brand, ["last4"] = card.Last4 } };
        intent["status"] = "requires_payment_method";
        intent["payment_method"] = null;
        intent["latest_charge"] = charge["id"]!.GetValue<string>();
        intent["last_payment_error"] = error.DeepClone();
        state.RecordEvent("charge.failed", charge, request);
        state.RecordEvent("payment_intent.payment_failed", intent, request);

        error["payment_intent"] = Clone(intent);
        return new ApiResult(StatusCodes.Status402PaymentRequired, body);
    }

    private JsonObject NewCharge(JsonObject intent, string paymentMethod, Card card)
    {
        var id = state.NewId("ch_");
        var charge = StripeFixtures.Charge();
        charge["id"] = id;
        charge["amount"] = intent["amount"]!.GetValue<long>();
        charge["amount_captured"] = intent["amount"]!.GetValue<long>();
        charge["captured"] = true;
        charge["balance_transaction"] = state.NewId("txn_");
        charge["created"] = state.Now();
        charge["currency"] = intent["currency"]!.GetValue<string>();
        charge["description"] = intent["description"]?.GetValue<string>();
        charge["payment_intent"] = intent["id"]!.GetValue<string>();
        charge["payment_method"] = paymentMethod;
        charge["customer"] = intent["customer"]?.GetValue<string>();
        charge["receipt_email"] = intent["receipt_email"]?.GetValue<string>();
        charge["payment_method_details"]!["card"]!["brand"] = card.Brand;
        charge["payment_method_details"]!["card"]!["network"] = card.Brand;
        charge["payment_method_details"]!["card"]!["last4"] = card.Last4;
        charge["payment_method_details"]!["card"]!["exp_month"] = card.ExpMonth;
        charge["payment_method_details"]!["card"]!["exp_year"] = card.ExpYear;
        charge["refunds"]!["url"] = $"/v1/charges/{id}/refunds";
        state.ChargesById[id] = charge;
        return charge;
    }
}
