namespace PaymentFunctions.Bookings.Domain;

/// Converts prices between major units (configuration, people) and Stripe's minor units (the API).
/// Stripe's currency list: https://docs.stripe.com/currencies#zero-decimal and #three-decimal.
public static class Money
{
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    private static readonly HashSet<string> ThreeDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "BHD", "JOD", "KWD", "OMR", "TND",
    };

    public static int DecimalPlaces(string currency) =>
        ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    public static bool IsCurrencyCode(string? currency) =>
        currency is { Length: 3 } && currency.All(char.IsAsciiLetter);

    /// Throws when the price cannot be charged exactly: a fraction of a yen, a fourth decimal of a dinar,
    /// or a three-decimal amount not ending in 0 (Stripe requires multiples of 10 minor units there).
    public static long ToMinorUnits(decimal amount, string currency)
    {
        if (!IsCurrencyCode(currency))
        {
            throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code.", nameof(currency));
        }

        var scaled = amount * Pow10(DecimalPlaces(currency));
        if (scaled != decimal.Truncate(scaled))
        {
            throw new ArgumentException($"{amount} {currency.ToUpperInvariant()} has more decimals than the currency allows ({DecimalPlaces(currency)}).", nameof(amount));
        }

        if (ThreeDecimal.Contains(currency) && scaled % 10 != 0)
        {
            throw new ArgumentException($"{amount} {currency.ToUpperInvariant()}: Stripe needs three-decimal amounts in multiples of 0.010.", nameof(amount));
        }

        return checked((long)scaled);
    }

    public static decimal ToMajorUnits(long minorUnits, string currency) =>
        minorUnits / Pow10(DecimalPlaces(currency));

    private static decimal Pow10(int places) => places switch { 0 => 1m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(places)) };
}
