using System.Collections;
using System.Globalization;
using System.Text;

namespace PaymentFunctions.Clients.Stripe;

/// <summary>
/// Encodes parameters as <c>application/x-www-form-urlencoded</c> with Stripe's nesting syntax:
/// dictionaries become <c>metadata[bookingId]=...</c>, lists of scalars <c>expand[]=...</c>, lists of
/// dictionaries <c>items[0][price]=...</c>. Keys and values are percent-encoded as UTF-8 (RFC 3986
/// unreserved characters stay as they are); the brackets of the nesting stay literal, as Stripe's own libraries send them.
/// </summary>
public static class StripeFormEncoder
{
    /// <summary>Encodes <paramref name="parameters"/> in order; null values are left out.</summary>
    /// <remarks>
    /// Values may be strings, booleans (<c>true</c>/<c>false</c>), integers, <see cref="DateTimeOffset"/> (Unix seconds),
    /// dictionaries with string keys, and lists of any of these.
    /// </remarks>
    /// <exception cref="ArgumentException">A key is empty or contains a square bracket, or a value has an unsupported type.</exception>
    public static string Encode(IEnumerable<KeyValuePair<string, object?>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var form = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            Append(form, EscapeKey(key), value);
        }

        return form.ToString();
    }

    private static void Append(StringBuilder form, string key, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                AppendPair(form, key, text);
                return;
            case bool flag:
                AppendPair(form, key, flag ? "true" : "false");
                return;
            case DateTimeOffset instant:
                AppendPair(form, key, instant.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                return;
            case long or int or short or byte or ulong or uint or ushort or sbyte:
                AppendPair(form, key, Convert.ToString(value, CultureInfo.InvariantCulture)!);
                return;
            case IEnumerable<KeyValuePair<string, string>> strings:
                foreach (var (name, nested) in strings)
                {
                    Append(form, $"{key}[{EscapeKey(name)}]", nested);
                }

                return;
            case IEnumerable<KeyValuePair<string, object?>> objects:
                foreach (var (name, nested) in objects)
                {
                    Append(form, $"{key}[{EscapeKey(name)}]", nested);
                }

                return;
            case IEnumerable list:
                AppendList(form, key, list);
                return;
            default:
                throw new ArgumentException($"Stripe form parameter '{key}' has unsupported type {value.GetType().Name}.", nameof(value));
        }
    }

    private static void AppendList(StringBuilder form, string key, IEnumerable list)
    {
        var index = 0;
        foreach (var item in list)
        {
            // Stripe reads "key[]" as "append"; hashes need an index so their fields stay together.
            var isHash = item is IEnumerable<KeyValuePair<string, string>> or IEnumerable<KeyValuePair<string, object?>>;
            Append(form, isHash ? $"{key}[{index.ToString(CultureInfo.InvariantCulture)}]" : key + "[]", item);
            index++;
        }
    }

    private static void AppendPair(StringBuilder form, string escapedKey, string value)
    {
        if (form.Length > 0)
        {
            form.Append('&');
        }

        form.Append(escapedKey).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static string EscapeKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Contains('[', StringComparison.Ordinal) || key.Contains(']', StringComparison.Ordinal))
        {
            // Stripe would read a bracket as nesting; its metadata keys may not contain one either.
            throw new ArgumentException($"Stripe form keys must be non-empty and free of square brackets: '{key}'.", nameof(key));
        }

        return Uri.EscapeDataString(key);
    }
}
