using System.Text;
using Microsoft.Extensions.Primitives;

namespace PaymentFunctions.Http;

/// The Idempotency-Key header of draft-ietf-httpapi-idempotency-key-header: a Structured Field sf-string
/// ("..." with \" and \\ escapes). Bare tokens are accepted too, because most clients (Stripe's included)
/// send the key unquoted. 1..255 printable ASCII characters; anything else is refused rather than guessed.
public static class IdempotencyKeyHeader
{
    public const int MaxLength = 255;

    public static bool TryParse(StringValues values, out string key)
    {
        key = "";
        if (values.Count != 1 || values[0] is not { } raw)
        {
            return false;
        }

        raw = raw.Trim(' ');
        if (raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"')
        {
            return TryUnquote(raw.AsSpan(1, raw.Length - 2), out key) && IsValid(key);
        }

        if (raw.Any(c => c is '"' or '\\' or ' ' or ','))
        {
            return false;
        }

        key = raw;
        return IsValid(key);
    }

    private static bool TryUnquote(ReadOnlySpan<char> inner, out string key)
    {
        var builder = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (c == '\\')
            {
                if (++i == inner.Length || inner[i] is not ('"' or '\\'))
                {
                    key = "";
                    return false;
                }

                c = inner[i];
            }
            else if (c == '"')
            {
                key = "";
                return false;
            }

            builder.Append(c);
        }

        key = builder.ToString();
        return true;
    }

    private static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(c => c is >= ' ' and <= '~') && key.Trim(' ').Length > 0;
}
