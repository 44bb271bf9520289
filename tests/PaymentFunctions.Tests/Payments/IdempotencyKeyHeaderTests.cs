using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Http;

namespace PaymentFunctions.Tests.Payments;

public sealed class IdempotencyKeyHeaderTests
{
    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("\"abc\"", "abc")]
    [InlineData("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"", "8e03978e-40d5-43e8-bc93-6894a57f9324")]
    [InlineData("\"with space\"", "with space")]
    [InlineData("\"say \\\"hi\\\" \\\\o/\"", "say \"hi\" \\o/")]
    public void ValidKeysParseToTheirSfStringValue(string header, string expected)
    {
        Assert.True(IdempotencyKeyHeader.TryParse(header, out var key));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"\"")]
    [InlineData("\"  \"")]
    [InlineData("\"open")]
    [InlineData("\"a\"b\"")]
    [InlineData("\"a\\nb\"")]
    [InlineData("key\u00e9")]
    [InlineData("a b")]
    public void InvalidKeysAreRefused(string header) => Assert.False(IdempotencyKeyHeader.TryParse(header, out _));

    [Fact]
    public void TwoHeaderValuesAreRefused() =>
        Assert.False(IdempotencyKeyHeader.TryParse(new Microsoft.Extensions.Primitives.StringValues(["a", "b"]), out _));

    [Fact]
    public void BookingIdsAreBk26CrockfordCharactersFromTheInjectedRandomness()
    {
        var allOnes = new BookingIds(bytes => bytes.Fill(0xFF)).Next();
        var zeros = new BookingIds(bytes => bytes.Clear()).Next();
        var real = new BookingIds().Next();

        Assert.Equal("bk_" + new string('z', 25) + "w", allOnes); // 128 one-bits, then the two padding zero bits
        Assert.Equal("bk_" + new string('0', 26), zeros);
        Assert.True(BookingIds.IsWellFormed(real));
        Assert.NotEqual(real, new BookingIds().Next());
        Assert.False(BookingIds.IsWellFormed("bk_" + new string('u', 26))); // u is not in Crockford's alphabet
    }
}
