using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PaymentFunctions.Webhooks;

/// Verifies the Stripe-Signature header the way Stripe documents it (and stripe-dotnet's EventUtility does):
/// HMAC-SHA256 over "{t}.{raw body}" keyed with the whsec_ secret as UTF-8, hex, compared in constant time.
/// Several secrets are accepted (endpoint secret rotation) and so are several v1 values (Stripe sends one per
/// active secret while rolling).
public sealed class StripeSignatureVerifier(IReadOnlyList<string> secrets, TimeSpan tolerance, TimeProvider time)
{
    private const int Sha256HexLength = 64;
    private readonly byte[][] _keys = [.. secrets.Select(Encoding.UTF8.GetBytes)];

    /// Returns null when the signature is valid, otherwise a short reason safe to show the caller.
    public string? Verify(string? header, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return "missing Stripe-Signature header";
        }

        if (!TryParse(header, out var timestamp, out var signatures))
        {
            return "malformed Stripe-Signature header";
        }

        if (signatures.Count == 0)
        {
            return "no v1 signature in Stripe-Signature header";
        }

        // In whole seconds: a forged t far outside DateTimeOffset's range must be a rejection, not an exception.
        var ageSeconds = Math.Abs((decimal)time.GetUtcNow().ToUnixTimeSeconds() - timestamp);
        if (ageSeconds > (decimal)tolerance.TotalSeconds)
        {
            return "timestamp outside the tolerance";
        }

        // HMAC over "{t}." then the body, fed incrementally: no copy of a body that may be hundreds of KiB.
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in _keys)
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            hmac.AppendData(prefix);
            hmac.AppendData(body);
            hmac.GetHashAndReset(expected);
            foreach (var candidate in signatures)
            {
                if (CryptographicOperations.FixedTimeEquals(expected, candidate))
                {
                    return null;
                }
            }
        }

        return "no signature matches";
    }

    private static bool TryParse(string header, out long timestamp, out List<byte[]> signatures)
    {
        timestamp = 0;
        signatures = [];
        var sawTimestamp = false;
        foreach (var item in header.Split(','))
        {
            var separator = item.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                return false;
            }

            var key = item[..separator].Trim();
            var value = item[(separator + 1)..].Trim();
            if (key == "t")
            {
                if (sawTimestamp || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
                {
                    return false;
                }

                sawTimestamp = true;
            }
            else if (key == "v1" && value.Length == Sha256HexLength)
            {
                try
                {
                    signatures.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    return false;
                }
            }

            // Other schemes (v0 test signatures, future ones) are ignored, as Stripe's libraries do.
        }

        return sawTimestamp;
    }
}
