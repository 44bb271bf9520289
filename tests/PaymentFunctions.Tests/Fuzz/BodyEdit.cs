using System.Text;
using CsCheck;

namespace PaymentFunctions.Tests.Fuzz;

/// A change to a request body's bytes after its JSON was written: truncated, trailing garbage, a BOM, invalid
/// UTF-8, another root, or too large.
public sealed record BodyEdit(string Name, Func<byte[], byte[]> Apply)
{
    /// Edits of the bytes after the JSON was written (the signature is computed over the edited bytes).
    public static readonly Gen<BodyEdit> Any = Gen.Frequency(
        (20, Gen.Const(new BodyEdit("none", b => b))),
        (1, Gen.Double[0, 1].Select(f => new BodyEdit($"truncate {f:F2}", b => b[..(int)(b.Length * f)]))),
        (1, Gen.OneOf<string>("garbage", "}", ",{}", "\u0000").Select(t => new BodyEdit($"append {HostileValues.Literal(t)}", b => [.. b, .. Encoding.UTF8.GetBytes(t)]))),
        (1, Gen.Const(new BodyEdit("UTF-8 BOM first", b => [0xEF, 0xBB, 0xBF, .. b]))),
        (1, Gen.OneOf<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00]).Select(bad => new BodyEdit($"invalid UTF-8 {Convert.ToHexString(bad)} inside", b => [.. b[..(b.Length / 2)], .. bad, .. b[(b.Length / 2)..]]))),
        (1, Gen.Int[16 * 1024, 20 * 1024].Select(n => new BodyEdit($"padded to {n} bytes", b => [.. b[..^1], .. Encoding.UTF8.GetBytes(",\"pad\":\"" + new string('p', Math.Max(0, n - b.Length)) + "\"}")]))),
        (1, Gen.OneOf<string>("", "[]", "null", "\"evt_1\"", "[{\"id\":\"evt_1\"}]", "1").Select(t => new BodyEdit($"body {HostileValues.Literal(t)}", _ => Encoding.UTF8.GetBytes(t)))));

    public override string ToString() => Name;
}
