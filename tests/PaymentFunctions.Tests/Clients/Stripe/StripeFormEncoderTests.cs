using PaymentFunctions.Clients.Stripe;

namespace PaymentFunctions.Tests.Clients.Stripe;

public sealed class StripeFormEncoderTests
{
    private static string Encode(params (string Key, object? Value)[] parameters) =>
        StripeFormEncoder.Encode(parameters.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)));

    [Fact]
    public void Dictionaries_lists_and_ranges_use_Stripes_bracket_syntax_in_order()
    {
        var form = Encode(
            ("amount", 1099L),
            ("metadata", new Dictionary<string, string> { ["bookingId"] = "b-1", ["attempt"] = "2" }),
            ("automatic_payment_methods", new Dictionary<string, object?> { ["enabled"] = true }),
            ("expand", new[] { "latest_charge", "customer" }),
            ("created", new Dictionary<string, object?> { ["gte"] = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }),
            ("items", new[] { new Dictionary<string, object?> { ["price"] = "price_1", ["quantity"] = 2 } }));

        Assert.Equal(
            "amount=1099&metadata[bookingId]=b-1&metadata[attempt]=2&automatic_payment_methods[enabled]=true"
            + "&expand[]=latest_charge&expand[]=customer&created[gte]=1700000000&items[0][price]=price_1&items[0][quantity]=2",
            form);
    }

    [Fact]
    public void Reserved_characters_in_keys_and_values_are_percent_encoded()
    {
        var form = Encode(("description", "a&b=c d+e/f?%"), ("metadata", new Dictionary<string, string> { ["seat row"] = "A#1" }));

        Assert.Equal("description=a%26b%3Dc%20d%2Be%2Ff%3F%25&metadata[seat%20row]=A%231", form);
    }

    [Fact]
    public void Unicode_is_encoded_as_utf8_and_round_trips()
    {
        var form = Encode(("description", "Zoë 🎟 Łódź"));

        Assert.Equal("description=Zo%C3%AB%20%F0%9F%8E%9F%20%C5%81%C3%B3d%C5%BA", form);
        Assert.Equal("Zoë 🎟 Łódź", StripeFixtures.DecodeForm(form).Single().Value);
    }

    [Fact]
    public void Null_values_are_left_out_and_booleans_are_lower_case()
    {
        Assert.Equal("confirm=false&capture=true", Encode(("description", null), ("confirm", false), ("receipt_email", null), ("capture", true)));
        Assert.Equal(string.Empty, Encode(("description", null)));
    }

    [Fact]
    public void Empty_values_are_kept_because_Stripe_uses_them_to_unset_metadata()
    {
        Assert.Equal("metadata[old]=", Encode(("metadata", new Dictionary<string, string> { ["old"] = "" })));
    }

    [Theory]
    [InlineData("booking[id]")]
    [InlineData("x]")]
    [InlineData("")]
    public void Keys_that_Stripe_would_misread_as_nesting_are_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => Encode(("metadata", new Dictionary<string, string> { [key] = "v" })));
    }

    [Fact]
    public void Unsupported_value_types_are_refused_with_the_key_named()
    {
        var error = Assert.Throws<ArgumentException>(() => Encode(("amount", 10.5m)));
        Assert.Contains("amount", error.Message, StringComparison.Ordinal);
    }
}
