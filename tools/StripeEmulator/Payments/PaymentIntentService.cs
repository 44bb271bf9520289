using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Customers;
using StripeEmulator.Fixtures;

namespace StripeEmulator.Payments;

/// The PaymentIntent state machine of Stripe test mode, for the calls this service makes.
internal sealed partial class PaymentIntentService(EmulatorState state, PaymentMethodService paymentMethods)
{
    private const long MaxAmount = 99_999_999;

    // Currencies Stripe settles in test mode for the kinds of accounts this platform uses.
    private static readonly HashSet<string> Currencies =
    [
        "usd", "eur", "gbp", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "ron", "bgn", "cad", "aud", "nzd",
        "jpy", "sgd", "hkd", "mxn", "brl", "inr", "zar", "aed", "ils", "try", "thb", "myr", "php", "idr", "krw",
    ];

    private static readonly string[] UpdatableFields = ["amount", "currency", "metadata", "description", "receipt_email", "payment_method", "customer", "setup_future_usage"];
    private static readonly string[] ClearableFields = ["description", "receipt_email", "setup_future_usage"];
    private static readonly HashSet<string> UpdatableStatuses = ["requires_payment_method", "requires_confirmation", "requires_action"];

    public ApiResult Create(StripeForm form, RequestInfo request)
    {
        if (form["amount"] is null)
        {
            return StripeErrors.Missing("amount");
        }

        if (form["currency"] is null)
        {
            return StripeErrors.Missing("currency");
        }

        if (InvalidAllowRedirects(form) is { } invalidRedirects)
        {
            return invalidRedirects;
        }

        if (ValidateAmountAndCurrency(form) is { } invalid)
        {
            return invalid;
        }

        if (InvalidSetupFutureUsage(form) is { } invalidUsage)
        {
            return invalidUsage;
        }

        lock (state.Sync)
        {
            if (UnknownCustomer(form) is { } unknownCustomer)
            {
                return unknownCustomer;
            }

            var id = state.NewId("pi_");
            var intent = StripeFixtures.PaymentIntent();
            intent["id"] = id;
            intent["client_secret"] = id + state.NewId("_secret_", 25);
            intent["created"] = state.Now();
            intent["amount"] = long.Parse(form["amount"]!, System.Globalization.CultureInfo.InvariantCulture);
            intent["currency"] = form["currency"]!.ToLowerInvariant();
            intent["description"] = form["description"];
            intent["receipt_email"] = form["receipt_email"];
            intent["metadata"] = MergeMetadata(new JsonObject(), form.Hash("metadata"));
            intent["customer"] = form["customer"];
            intent["setup_future_usage"] = form["setup_future_usage"] is { Length: > 0 } usage ? usage : null;
            if (AutomaticPaymentMethods(form) is { } automatic)
            {
                intent["automatic_payment_methods"] = automatic;
            }

            if (form.Array("payment_method_types") is { Count: > 0 } types)
            {
                intent["payment_method_types"] = new JsonArray([.. types.Select(t => JsonValue.Create(t))]);
            }

            if (form["payment_method"] is { } paymentMethod)
            {
                if (paymentMethods.Resolve(paymentMethod) is not { } resolved)
                {
                    return NoSuchPaymentMethod(paymentMethod);
                }

                intent["payment_method"] = resolved;
                intent["status"] = "requires_confirmation";
            }

            PaymentIntentsById[id] = intent;
            state.CountCreate();
            state.RecordEvent("payment_intent.created", intent, request);
            return form.GetBool("confirm") == true ? ConfirmLocked(intent, form, request) : ApiResult.Ok(Expanded(intent, form));
        }
    }

    public ApiResult Retrieve(string id, StripeForm form)
    {
        lock (state.Sync)
        {
            return PaymentIntentsById.TryGetValue(id, out var intent) ? ApiResult.Ok(Expanded(intent, form)) : StripeErrors.NoSuch("payment_intent", id);
        }
    }

    public ApiResult Update(string id, StripeForm form, RequestInfo request)
    {
        _ = request; // Updates raise no event in Stripe (there is no payment_intent.updated).
        if (ValidateAmountAndCurrency(form) is { } invalid)
        {
            return invalid;
        }

        if (InvalidSetupFutureUsage(form) is { } invalidUsage)
        {
            return invalidUsage;
        }

        lock (state.Sync)
        {
            if (!PaymentIntentsById.TryGetValue(id, out var intent))
            {
                return StripeErrors.NoSuch("payment_intent", id);
            }

            if (UnknownCustomer(form) is { } unknownCustomer)
            {
                return unknownCustomer;
            }

            var status = Status(intent);
            if (!UpdatableStatuses.Contains(status))
            {
                return StripeErrors.UnexpectedState($"This PaymentIntent's {string.Join(", ", ChangedFields(form))} could not be updated because it has a status of {status}. You may only update the {string.Join(", ", ChangedFields(form))} of a PaymentIntent with one of the following statuses: {string.Join(", ", UpdatableStatuses)}.", intent);
            }

            if (form["payment_method"] is { } paymentMethod)
            {
                if (paymentMethods.Resolve(paymentMethod) is not { } resolved)
                {
                    return NoSuchPaymentMethod(paymentMethod);
                }

                intent["payment_method"] = resolved;
                intent["status"] = "requires_confirmation";
            }

            if (form["customer"] is { Length: > 0 } customer)
            {
                intent["customer"] = customer;
            }

            if (form["amount"] is { } amount)
            {
                intent["amount"] = long.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
            }

            if (form["currency"] is { } currency)
            {
                intent["currency"] = currency.ToLowerInvariant();
            }

            foreach (var field in ClearableFields)
            {
                if (form[field] is { } value)
                {
                    intent[field] = value.Length == 0 ? null : value;
                }
            }

            intent["metadata"] = MergeMetadata(intent["metadata"]!.AsObject(), form.Hash("metadata"));
            return ApiResult.Ok(Clone(intent));
        }
    }

    private Dictionary<string, JsonObject> PaymentIntentsById => state.PaymentIntentsById;

    private static string Status(JsonObject intent) => intent["status"]!.GetValue<string>();

    private static JsonObject Clone(JsonObject value) => (JsonObject)value.DeepClone();

    private static IEnumerable<string> ChangedFields(StripeForm form) =>
        UpdatableFields.Where(form.Has).DefaultIfEmpty("fields");
}
