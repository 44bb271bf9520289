using System.Globalization;
using System.Text;
using CsCheck;

namespace PaymentFunctions.Tests.Fuzz;

/// Hostile values as raw JSON text, so the fuzz tests can send what no serializer would write: lone UTF-16
/// surrogate escapes, numbers no type holds, nesting deeper than any parser allows, invalid tokens.
public static class HostileValues
{
    // Around the event id limit (97), Service Bus's MessageId (128), RowKeys' hashing (200), the row-key and
    // property limits (512, 1 KiB) and a 64 KiB string.
    private static readonly int[] Lengths = [97, 98, 128, 200, 201, 513, 1025, 64 * 1024];

    /// Strings attackers and broken clients send: key characters of Table Storage, control characters and NUL,
    /// log-line forgery, lone or reversed surrogates, injection payloads, and lengths around every limit.
    public static readonly Gen<string> Text = Gen.Frequency(
        (6, Gen.OneOf<string>(
            "", " ", "\0", "a\0b", "\n", "\r\ninfo: FORGED-LOG-LINE", "\t", "\u007f", "\u0085", "\u2028",
            "/", "\\", "#", "?", "|", "a/b#c?d\\e", "..", "%00", "%2F", "a%2Fb", "\u202e", "\ufeff", "\ufffd",
            "\ud800", "\udc00", "x\ud800y", "\udc00\ud800", "\ud83d\ude00", "é", "ß", "İ", "ＡＢＣ",
            "null", "true", "0", "-1", "<script>alert(1)</script>", "' or PartitionKey ne '", "${jndi:ldap://x/a}",
            "bk_00000000000000000000000000", "bk_0000000000000000000000000O", "evt_", "pi_", "sk_test_x", "whsec_x")),
        (3, Gen.String[Gen.Char["/\\#?|\0\n\r\t\u0001\u001f\u007f\ud800\udc00\u202e\"'{}[]:,%&=+ aé😀_-09zZ"], 1, 40]),
        (2, Gen.Int[0, 7].SelectMany(i => Gen.Char.AlphaNumeric.Select(c => new string(c, Lengths[i])))));

    /// A string, in the field's own prefix half the time so it gets past a plain prefix check.
    public static Gen<string> TextAfter(string prefix) =>
        Gen.Frequency((1, Text), (1, Text.Select(t => prefix + t)));

    /// Any JSON value of a type the field does not have, or no valid JSON at all.
    public static readonly Gen<string> WrongType = Gen.OneOf(
        Gen.OneOf<string>(
            "null", "true", "false", "0", "-0", "1", "-1", "1.5", "2147483648", "-2147483649", "9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "1e400", "-1e400", "1e-400",
            "[]", "{}", "[1,2]", "{\"a\":1}", "[\"x\"]", "\"\"", "\"2\"", "\"1e3\"", "\"true\""),
        Gen.OneOf<string>("NaN", "Infinity", "-Infinity", "undefined", "01", "+1", ".5", "'single'", "\"unterminated", "0x10", "1_000"),
        Gen.Int[65, 5000].Select(depth => string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth))),
        Gen.Int[65, 2000].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + string.Concat(Enumerable.Repeat("}", depth))));

    /// Either a hostile string or a wrong type, as raw JSON.
    public static Gen<string> AnyFor(string prefix) => Gen.Frequency((3, TextAfter(prefix).Select(Literal)), (2, WrongType));

    /// The JSON string literal of any UTF-16 text, lone surrogates included (written as \uXXXX escapes, the only way
    /// they can travel in UTF-8).
    public static string Literal(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                _ when c < ' ' || c > '~' => json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => json.Append(c),
            };
        }

        return json.Append('"').ToString();
    }
}
