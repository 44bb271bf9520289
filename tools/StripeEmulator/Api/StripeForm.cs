using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace StripeEmulator.Api;

/// A form-encoded Stripe request body with Stripe's bracket syntax: metadata[k]=v, types[]=a, created[gte]=1.
internal sealed class StripeForm
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    public StripeForm(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        _pairs = [.. values.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)))];
    }

    public static StripeForm Empty { get; } = new([]);

    public string? this[string key] => _pairs.LastOrDefault(p => p.Key == key).Value;

    /// The parameter names as sent (created[gte], types[0], ...), for endpoints that refuse unknown ones.
    public IEnumerable<string> Keys => _pairs.Select(p => p.Key).Distinct(StringComparer.Ordinal);

    public bool Has(string key) => _pairs.Any(p => p.Key == key || p.Key.StartsWith(key + "[", StringComparison.Ordinal));

    /// Values of name[k]=v; null when the hash is absent, empty when sent as name= (Stripe's "clear").
    public Dictionary<string, string>? Hash(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var prefix = name + "[";
        return _pairs
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.EndsWith(']'))
            .GroupBy(p => p.Key[prefix.Length..^1])
            .ToDictionary(g => g.Key, g => g.Last().Value);
    }

    /// Values of name[]=a&amp;name[]=b or name[0]=a&amp;name[1]=b.
    public List<string> Array(string name) =>
        [.. _pairs.Where(p => p.Key == name + "[]" || (p.Key.StartsWith(name + "[", StringComparison.Ordinal) && p.Key.Length > name.Length + 2 && char.IsAsciiDigit(p.Key[name.Length + 1]))).Select(p => p.Value)];

    public bool TryGetLong(string key, out long? value, out ApiResult? error)
    {
        value = null;
        error = null;
        var raw = this[key];
        if (raw is null)
        {
            return true;
        }

        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        error = StripeErrors.Invalid(key, $"Invalid integer: {raw}", "parameter_invalid_integer");
        return false;
    }

    public bool? GetBool(string key) => this[key] switch
    {
        null => null,
        var v => v is "true" or "1",
    };

    /// Order-independent text of the parameters; Stripe compares it to the first use of an idempotency key.
    public string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var pair in _pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            text.Append(pair.Key).Append('=').Append(pair.Value).Append('&');
        }

        return text.ToString();
    }
}
