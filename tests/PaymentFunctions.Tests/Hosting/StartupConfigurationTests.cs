using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// A misconfigured app must fail at start-up, naming the setting - never at the first payment.
public sealed class StartupConfigurationTests
{
    internal static Dictionary<string, string?> ValidSettings() => new()
    {
        ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=" + Convert.ToBase64String(new byte[32]) + ";EndpointSuffix=core.windows.net",
        ["Stripe:SecretKey"] = "sk_test_config_check",
        ["Stripe:WebhookSecrets:0"] = "whsec_config_check",
        ["ServiceBus:Transport"] = "ServiceBus",
        ["ServiceBus:FullyQualifiedNamespace"] = "example.servicebus.windows.net",
        ["Auth:Authority"] = "https://login.microsoftonline.com/common/v2.0",
        ["Auth:Audience"] = "api://paymentfunctions",
        ["Catalog:TicketTypes:standard:Name"] = "Standard",
        ["Catalog:TicketTypes:standard:UnitPrice"] = "25.00",
        ["Catalog:TicketTypes:standard:Currency"] = "EUR",
    };

    [Theory]
    [InlineData("Stripe:SecretKey", null, "Stripe:SecretKey")]
    [InlineData("Stripe:SecretKey", "pk_test_publishable", "Stripe:SecretKey")]
    [InlineData("Stripe:WebhookSecrets:0", null, "Stripe:WebhookSecrets")]
    [InlineData("Stripe:WebhookSecrets:0", "not-a-whsec", "Stripe:WebhookSecrets")]
    [InlineData("Stripe:LiveMode", "true", "Stripe:LiveMode")]
    [InlineData("Stripe:ApiVersion", "2024-06-20", "Stripe:ApiVersion")]
    [InlineData("Stripe:MaxNetworkRetries", "9", "Stripe:MaxNetworkRetries")]
    [InlineData("Stripe:MaxConcurrentWebhooks", "0", "Stripe:MaxConcurrentWebhooks")]
    [InlineData("Stripe:WebhookQueueMilliseconds", "-1", "Stripe:WebhookQueueMilliseconds")]
    [InlineData("Storage:ConnectionString", null, "Storage:ConnectionString")]
    [InlineData("ServiceBus:FullyQualifiedNamespace", null, "ServiceBus:FullyQualifiedNamespace")]
    [InlineData("ServiceBus:Transport", "Carrier-Pigeon", "ServiceBus:Transport")]
    [InlineData("ServiceBus:FullyQualifiedNamespace", "sb://example.servicebus.windows.net/", "ServiceBus:FullyQualifiedNamespace")]
    [InlineData("ServiceBus:ConnectionString", "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0;EntityPath=payments", "ServiceBus:ConnectionString is not usable for topic 'bookings'")]
    [InlineData("ServiceBus:ConnectionString", "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send", "ServiceBus:ConnectionString")]
    [InlineData("Storage:ConnectionString", "AccountName=prod;this-is-not-a-setting", "Storage:ConnectionString is not usable")]
    public void AMissingOrInvalidSettingFailsStartUpNamingIt(string key, string? value, string named)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var error = FailedStart.Of("Production", settings);

        Assert.Contains(named, Flatten(error));
    }

    [Fact]
    public void AnEmptyWebhookSecretEntryIsRefusedNamingTheSetting()
    {
        // "WebhookSecrets": [ null ] in a settings file binds as a null element; it must not end in a NullReferenceException.
        var options = new PaymentFunctions.Payments.StripeApi.StripeOptions { SecretKey = "sk_test_config_check", WebhookSecrets = [null!] };

        var failures = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage);

        Assert.Equal(["Stripe:WebhookSecrets needs at least one endpoint secret, each starting with whsec_."], failures);
    }

    [Theory]
    [InlineData("ServiceBus:Transport", "InProcess", "ServiceBus:Transport=InProcess")]
    [InlineData("Stripe:ApiBase", "http://127.0.0.1:12111", "Stripe:ApiBase")]
    [InlineData("Storage:ConnectionString", "UseDevelopmentStorage=true", "Storage:ConnectionString")]
    public void ADevelopmentStandInIsRefusedInProduction(string key, string value, string named)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var error = FailedStart.Of("Production", settings);

        Assert.Contains(named, Flatten(error));
        Assert.Contains("Production", Flatten(error));
    }

    [Fact]
    public void ADevelopmentStandInIsRefusedWithLiveStripeWhateverTheEnvironmentIsCalled()
    {
        var settings = ValidSettings();
        settings["Stripe:LiveMode"] = "true";
        settings["Stripe:SecretKey"] = "sk_live_config_check";
        settings["ServiceBus:Transport"] = "InProcess";

        var error = FailedStart.Of("Staging", settings);

        Assert.Contains("ServiceBus:Transport=InProcess", Flatten(error));
        Assert.DoesNotContain("sk_live_config_check", Flatten(error));
    }

    /// The app settings infra/main.bicep deploys (Key Vault references resolved to sample values) start the app.
    [Fact]
    public void TheSettingsTheBicepTemplateDeploysStartTheApp()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep"));
        var deployed = System.Text.RegularExpressions.Regex.Matches(bicep, @"name: '((?:Storage|ServiceBus|Stripe|Auth|Cors)__[A-Za-z0-9_]+)'")
            .Select(m => m.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal))
            .ToHashSet();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:TableEndpoint"] = "https://stpaydev.table.core.windows.net/",
            ["ServiceBus:Transport"] = "ServiceBus",
            ["ServiceBus:FullyQualifiedNamespace"] = "sb-pay-dev.servicebus.windows.net",
            ["Stripe:SecretKey"] = "sk_test_from_key_vault",
            ["Stripe:WebhookSecrets:0"] = "whsec_from_key_vault",
            ["Stripe:LiveMode"] = "False",
            ["Auth:Authority"] = "https://login.microsoftonline.com/tenant/v2.0",
            ["Auth:Audience"] = "api://paymentfunctions",
            ["Cors:AllowedOrigins:0"] = "https://tickets-dev.example.com",
            // The template's default ticketTypes parameter, as its catalogSettings variable spells it out.
            ["Catalog:TicketTypes:standard:Name"] = "Standard admission",
            ["Catalog:TicketTypes:standard:UnitPrice"] = "25.00",
            ["Catalog:TicketTypes:standard:Currency"] = "EUR",
        };

        Assert.Equal(deployed.Order(StringComparer.Ordinal), settings.Keys.Where(k => !k.StartsWith("Catalog:", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains("Catalog__TicketTypes__${t.key}__UnitPrice", bicep);
        using var factory = Start("Production", settings);
        Assert.NotNull(factory.Services.GetService(typeof(PaymentFunctions.Storage.PaymentTables)));
    }

    [Fact]
    public void AValidProductionConfigurationStarts()
    {
        using var factory = Start("Production", ValidSettings());

        Assert.NotNull(factory.Services.GetService(typeof(PaymentFunctions.Storage.PaymentTables)));
    }

    internal static WebApplicationFactory<Program> Start(string environment, Dictionary<string, string?> settings)
    {
        HostStarts.Count(nameof(WebApplicationFactory<Program>));
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        try
        {
            HostBuilds.OneAtATime(() => _ = factory.Server); // builds and starts the host: ValidateOnStart runs here
            return factory;
        }
        catch
        {
            factory.Dispose();
            throw;
        }
    }

    // The validation message may sit in an inner exception (host start wraps it); ToString has them all.
    private static string Flatten(Exception error) => error.ToString();
}
