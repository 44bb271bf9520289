using PaymentFunctions.Bookings.Domain;

namespace PaymentFunctions.Tests.Payments;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(25.00, "EUR", 2500)]
    [InlineData(19.99, "usd", 1999)]
    [InlineData(5000, "JPY", 5000)]
    [InlineData(30000, "KRW", 30000)]
    [InlineData(12.340, "BHD", 12340)]
    [InlineData(0.5, "KWD", 500)]
    public void ToMinorUnits_UsesTheCurrencysDecimals(decimal major, string currency, long expected)
    {
        Assert.Equal(expected, Money.ToMinorUnits(major, currency));
        Assert.Equal(major, Money.ToMajorUnits(expected, currency));
    }

    [Theory]
    [InlineData(0.5, "JPY")]
    [InlineData(10.001, "EUR")]
    [InlineData(1.2345, "BHD")]
    [InlineData(1.235, "KWD")]
    [InlineData(10, "EURO")]
    [InlineData(10, "E1R")]
    public void ToMinorUnits_RefusesAmountsTheCurrencyCannotCarry(decimal major, string currency)
    {
        Assert.Throws<ArgumentException>(() => Money.ToMinorUnits(major, currency));
    }
}
