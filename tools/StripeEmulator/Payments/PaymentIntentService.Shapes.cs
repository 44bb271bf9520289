using System.Text.Json.Nodes;
using StripeEmulator.Api;

namespace StripeEmulator.Payments;

/// Answers shaped like Stripe's where Stripe.net reads them: expansions and automatic payment methods.
internal sealed partial class PaymentIntentService
{
    private static readonly string[] AllowRedirectsValues = ["always", "never"];
    private static readonly string[] SetupFutureUsageValues = ["off_session", "on_session"];

    /// Stripe returns allow_redirects with its default "always" when enabled and the caller did not say.
    private static JsonObject? AutomaticPaymentMethods(StripeForm form) => form.GetBool("automatic_payment_methods[enabled]") switch
    {
        true => new JsonObject { ["enabled"] = true, ["allow_redirects"] = form["automatic_payment_methods[allow_redirects]"] ?? "always" },
        false => new JsonObject { ["enabled"] = false },
        null => null,
    };

    private static ApiResult? InvalidAllowRedirects(StripeForm form) =>
        form["automatic_payment_methods[allow_redirects]"] is { } redirects && !AllowRedirectsValues.Contains(redirects)
            ? StripeErrors.Invalid("automatic_payment_methods[allow_redirects]", $"Invalid automatic_payment_methods[allow_redirects]: must be one of {string.Join(", ", AllowRedirectsValues)}")
            : null;

    /// setup_future_usage on create, update or confirm; an empty value unsets it (update only matters then).
    private static ApiResult? InvalidSetupFutureUsage(StripeForm form) =>
        form["setup_future_usage"] is { Length: > 0 } usage && !SetupFutureUsageValues.Contains(usage)
            ? StripeErrors.Invalid("setup_future_usage", $"Invalid setup_future_usage: must be one of {string.Join(", ", SetupFutureUsageValues)}")
            : null;

    /// Stripe checks the customer exists before anything else changes; call while holding Sync.
    private ApiResult? UnknownCustomer(StripeForm form) =>
        form["customer"] is { Length: > 0 } customer && !state.CustomersById.ContainsKey(customer)
            ? StripeErrors.NoSuch("customer", customer, "customer") with { Status = 400 }
            : null;

    /// A copy of the intent with expand[]=latest_charge honoured (the id becomes the charge object), as Stripe does.
    private JsonObject Expanded(JsonObject intent, StripeForm form)
    {
        var copy = Clone(intent);
        if (form.Array("expand").Contains("latest_charge") && copy["latest_charge"]?.GetValue<string>() is { } chargeId && state.ChargesById.TryGetValue(chargeId, out var charge))
        {
            copy["latest_charge"] = charge.DeepClone();
        }

        return copy;
    }
}
