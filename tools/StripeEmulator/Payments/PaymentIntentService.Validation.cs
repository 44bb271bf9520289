using System.Text.Json.Nodes;
using StripeEmulator.Api;

namespace StripeEmulator.Payments;

/// Parameter checks and metadata merging, as Stripe applies them to create and update.
internal sealed partial class PaymentIntentService
{
    private static ApiResult? ValidateAmountAndCurrency(StripeForm form)
    {
        if (!form.TryGetLong("amount", out var amount, out var error))
        {
            return error;
        }

        if (amount is < 1)
        {
            return StripeErrors.Invalid("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer");
        }

        if (amount is > MaxAmount)
        {
            return StripeErrors.Invalid("amount", $"Amount must be no more than {MaxAmount}.", "amount_too_large");
        }

        if (form["currency"] is { } currency && !Currencies.Contains(currency.ToLowerInvariant()))
        {
            return StripeErrors.Invalid("currency", $"Invalid currency: {currency}. Stripe currently supports these currencies: {string.Join(", ", Currencies)}");
        }

        return null;
    }

    // Stripe merges metadata keys; an empty value unsets a key and "metadata=" clears them all.
    private static JsonObject MergeMetadata(JsonObject current, Dictionary<string, string>? changes)
    {
        if (changes is null)
        {
            return current;
        }

        var merged = changes.Count == 0 ? new JsonObject() : Clone(current);
        foreach (var (key, value) in changes)
        {
            if (value.Length == 0)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}
