using System.Buffers;
using System.Security.Cryptography;

namespace PaymentFunctions.Bookings.Domain;

/// Booking ids: "bk_" + 26 Crockford base-32 characters of 128 random bits. Opaque (nothing to guess from
/// them), safe as table keys and in URLs. The randomness is injectable so tests can pin ids.
public sealed class BookingIds(Action<Span<byte>> fill)
{
    public const string Prefix = "bk_";
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int Chars = 26;
    private static readonly SearchValues<char> AlphabetChars = SearchValues.Create(Alphabet);

    public BookingIds()
        : this(RandomNumberGenerator.Fill)
    {
    }

    public string Next()
    {
        Span<byte> bytes = stackalloc byte[17]; // 130 bits for 26 characters; the extra bits are dropped
        fill(bytes[..16]);
        bytes[16] = 0;
        Span<char> chars = stackalloc char[Chars];
        for (var i = 0; i < Chars; i++)
        {
            var bit = i * 5;
            var pair = (bytes[bit / 8] << 8) | bytes[(bit / 8) + 1];
            chars[i] = Alphabet[(pair >> (11 - (bit % 8))) & 31];
        }

        return Prefix + new string(chars);
    }

    /// Anything else cannot be one of ours; it answers 404 without touching storage.
    public static bool IsWellFormed(string? id) =>
        id is { Length: 29 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id.AsSpan(Prefix.Length).IndexOfAnyExcept(AlphabetChars) < 0;

    public static bool IsKeySafe(string id) =>
        id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
