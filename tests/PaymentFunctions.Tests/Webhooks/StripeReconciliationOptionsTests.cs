using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Tests.Webhooks;

public sealed class StripeReconciliationOptionsTests
{
    [Theory]
    [InlineData("Reconciliation:TimeBudget", "00:04:30", "Reconciliation:TimeBudget must be between 1 second and 4 minutes (the function times out at 5).")]
    [InlineData("Reconciliation:PageSize", "101", "Reconciliation:PageSize must be between 10 and 100 (Stripe's maximum).")]
    public void ABadSettingStopsTheAppNamingIt(string key, string value, string failure)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ServiceBus:Transport"] = "ServiceBus",
            ["ServiceBus:FullyQualifiedNamespace"] = "example.servicebus.windows.net",
            ["Stripe:SecretKey"] = "sk_test_config_check",
            ["Stripe:WebhookSecrets:0"] = "whsec_config_check",
            [key] = value,
        };

        // Only this setting is wrong (several would come wrapped in an AggregateException).
        var error = Assert.IsType<OptionsValidationException>(FailedStart.Of("Development", settings));

        Assert.Equal(typeof(StripeReconciliationOptions), error.OptionsType);
        Assert.Contains(error.Failures, f => f.EndsWith($" with the error: '{failure}'.", StringComparison.Ordinal));
    }

    [Fact]
    public void TheLongestTimeBudgetEndsWellBeforeTheFunctionTimeout()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var functionTimeout = TimeSpan.Parse(hostJson.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var range = typeof(StripeReconciliationOptions).GetProperty(nameof(StripeReconciliationOptions.TimeBudget))!.GetCustomAttribute<RangeAttribute>()!;
        var longest = TimeSpan.Parse((string)range.Maximum, System.Globalization.CultureInfo.InvariantCulture);

        // A page of events (about a second) and the last checkpoint write must fit after the budget.
        Assert.True(longest + TimeSpan.FromSeconds(30) <= functionTimeout, $"budget up to {longest}, function timeout {functionTimeout}");
        Assert.True(new StripeReconciliationOptions().TimeBudget <= longest);
    }
}
