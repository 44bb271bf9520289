using System.Globalization;
using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Fixtures;

namespace StripeEmulator.Checkout;

/// Stripe's checks of a new session, for the parameters the emulator supports, and its line items from price_data.
internal sealed partial class CheckoutSessionService
{
    private const long MaxAmount = 99_999_999;
    private const int MaxClientReferenceId = 200;
    private static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    private ApiResult? Invalid(StripeForm form)
    {
        if (form["mode"] is not { } mode)
        {
            return StripeErrors.Missing("mode");
        }

        if (mode != "payment")
        {
            return StripeErrors.Invalid("mode", $"The emulator's Checkout supports mode=payment only, not {mode}.");
        }

        if (form["client_reference_id"] is { Length: > MaxClientReferenceId })
        {
            return StripeErrors.Invalid("client_reference_id", $"client_reference_id must be at most {MaxClientReferenceId} characters.");
        }

        foreach (var param in new[] { "success_url", "cancel_url" })
        {
            if (form[param] is { } url && !(Uri.TryCreate(url.Replace("{CHECKOUT_SESSION_ID}", "x", StringComparison.Ordinal), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                return StripeErrors.Invalid(param, "Not a valid URL", "url_invalid");
            }
        }

        if (!form.TryGetLong("expires_at", out var expiresAt, out var invalidExpiry))
        {
            return invalidExpiry;
        }

        var lifetime = expiresAt is { } at ? TimeSpan.FromSeconds(at - state.Now()) : MaxLifetime;
        return lifetime < MinLifetime ? StripeErrors.Invalid("expires_at", "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.")
            : lifetime > MaxLifetime ? StripeErrors.Invalid("expires_at", "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.")
            : null;
    }

    /// line_items[i][quantity] and line_items[i][price_data][currency|unit_amount|product_data][name]], one currency.
    private ApiResult? ParseLineItems(StripeForm form, out JsonArray items)
    {
        items = [];
        for (var i = 0; form.Has($"line_items[{i}]"); i++)
        {
            var prefix = $"line_items[{i}]";
            if (form[$"{prefix}[price]"] is { } price)
            {
                return StripeErrors.NoSuch("price", price, $"{prefix}[price]") with { Status = 400 };
            }

            var currency = form[$"{prefix}[price_data][currency]"]?.ToLowerInvariant();
            if (currency is null || form[$"{prefix}[price_data][product_data][name]"] is not { Length: > 0 } name)
            {
                return StripeErrors.Missing(currency is null ? $"{prefix}[price_data][currency]" : $"{prefix}[price_data][product_data][name]");
            }

            if (!long.TryParse(form[$"{prefix}[price_data][unit_amount]"], NumberStyles.None, CultureInfo.InvariantCulture, out var unitAmount)
                || !long.TryParse(form[$"{prefix}[quantity]"], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) || quantity < 1)
            {
                return StripeErrors.Invalid($"{prefix}[price_data][unit_amount]", "Each line item needs a unit_amount of at least 0 and a quantity of at least 1.", "parameter_invalid_integer");
            }

            if (items.Count > 0 && (string?)items[0]!["currency"] != currency)
            {
                return StripeErrors.Invalid($"{prefix}[price_data][currency]", "All line items must have the same currency.");
            }

            items.Add(LineItem(currency, name, unitAmount, quantity));
        }

        var total = items.Sum(item => item!["amount_total"]!.GetValue<long>());
        return items.Count == 0 ? StripeErrors.Invalid("line_items", "You must provide at least one line item in payment mode.", "parameter_missing")
            : total is < 1 or > MaxAmount ? StripeErrors.Invalid("line_items", $"The total must be between 1 and {MaxAmount}.", "amount_too_large")
            : null;
    }

    private JsonObject LineItem(string currency, string name, long unitAmount, long quantity)
    {
        var item = StripeFixtures.CheckoutLineItem();
        item["id"] = state.NewId("li_");
        item["amount_subtotal"] = unitAmount * quantity;
        item["amount_total"] = unitAmount * quantity;
        item["currency"] = currency;
        item["description"] = name;
        item["quantity"] = quantity;
        var price = item["price"]!.AsObject();
        price["id"] = state.NewId("price_");
        price["created"] = state.Now();
        price["currency"] = currency;
        price["product"] = state.NewId("prod_", 14);
        price["unit_amount"] = unitAmount;
        price["unit_amount_decimal"] = unitAmount.ToString(CultureInfo.InvariantCulture);
        return item;
    }

    private static JsonObject Metadata(Dictionary<string, string>? values) =>
        new([.. (values ?? []).Where(p => p.Value.Length > 0).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]);

    private static Dictionary<string, string> Hash(Dictionary<string, string>? values) =>
        (values ?? []).Where(p => p.Value.Length > 0).ToDictionary(p => p.Key, p => p.Value);
}
