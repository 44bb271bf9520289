using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentFunctions.Hosting.Standalone.Demo;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// Demo:StripePublishableKey, checked at start like every setting: a test-mode publishable key or nothing.
public sealed class DemoOptionsTests
{
    [Theory]
    [InlineData("pk_live_51Habc")]
    [InlineData("sk_test_emulator")]
    [InlineData("pk_test_")]
    public void AKeyThatIsNotATestModePublishableKeyStopsTheStartNamingTheSetting(string key)
    {
        var error = FailedStart.ValidationErrorOf(Record.Exception(() => Validate(key))!);

        Assert.Equal(["Demo:StripePublishableKey must be a test-mode publishable key (pk_test_...)."], FailedStart.Messages(error));
    }

    [Fact]
    public void TheEmulatorsKeyIsTheDefault() => Validate(null);

    private static void Validate(string? key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(key is null ? [] : [KeyValuePair.Create<string, string?>("Demo:StripePublishableKey", key)]).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton(TimeProvider.System);
        services.AddDemo();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(key ?? "pk_test_emulator", provider.GetRequiredService<IOptions<DemoOptions>>().Value.StripePublishableKey);
    }
}
