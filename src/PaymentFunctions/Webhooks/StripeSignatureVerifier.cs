using System.Globalization;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Verifies the Stripe-Signature header with Stripe.net's EventUtility, against every configured secret
/// (endpoint secret rotation; Stripe sends one v1 value per active secret while rolling).
///
/// A small pre-check stays in front of it, for what EventUtility does not cover on its own:
/// - a missing header (EventUtility dereferences it: NullReferenceException);
/// - the timestamp: EventUtility reads t with Convert.ToInt32 (after the HMAC matched), so a signed huge t (or any
///   t after 2038) throws OverflowException instead of failing verification, a repeated t silently uses the first, and a
///   non-numeric t is only noticed by the mismatch. The pre-check parses t once, as a long, and applies the
///   tolerance with the app's TimeProvider (both ways: stale and future);
/// - reasons: EventUtility has one exception type for everything; the pre-check names what is wrong.
public sealed class StripeSignatureVerifier(IReadOnlyList<string> secrets, TimeSpan tolerance, TimeProvider time)
{
    private const int Sha256HexLength = 64;

    /// Returns null when the signature is valid, otherwise a short reason safe to show the caller.
    public string? Verify(string? header, string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (string.IsNullOrWhiteSpace(header))
        {
            return "missing Stripe-Signature header";
        }

        if (PreCheck(header) is { } malformed)
        {
            return malformed;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var toleranceSeconds = (long)tolerance.TotalSeconds;
        foreach (var secret in secrets)
        {
            try
            {
                EventUtility.ValidateSignature(payload, header, secret, toleranceSeconds, now);
                return null;
            }
            catch (StripeException)
            {
                // Not this secret (or not Stripe): try the next one.
            }
            catch (OverflowException)
            {
                // EventUtility reads t only after the signature matched, with Convert.ToInt32: from 2038-01-19 on
                // every genuine webhook lands here. The pre-check has applied the tolerance to t as a long.
                return null;
            }
        }

        return "no signature matches";
    }

    private string? PreCheck(string header)
    {
        long? timestamp = null;
        var signatures = 0;
        foreach (var item in header.Split(','))
        {
            var separator = item.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                return "malformed Stripe-Signature header";
            }

            var key = item[..separator].Trim();
            var value = item[(separator + 1)..].Trim();
            if (key == "t")
            {
                if (timestamp is not null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    return "malformed Stripe-Signature header";
                }

                timestamp = t;
            }
            else if (key == "v1" && value.Length == Sha256HexLength)
            {
                if (!value.All(char.IsAsciiHexDigit))
                {
                    return "malformed Stripe-Signature header";
                }

                signatures++;
            }

            // Other schemes (v0 test signatures, future ones) are ignored, as Stripe's libraries do.
        }

        if (timestamp is null)
        {
            return "malformed Stripe-Signature header";
        }

        if (signatures == 0)
        {
            return "no v1 signature in Stripe-Signature header";
        }

        // In whole seconds and as decimal: a forged t far outside DateTimeOffset's range is a rejection, not an exception.
        var ageSeconds = Math.Abs((decimal)time.GetUtcNow().ToUnixTimeSeconds() - timestamp.Value);
        return ageSeconds > (decimal)tolerance.TotalSeconds ? "timestamp outside the tolerance" : null;
    }
}
