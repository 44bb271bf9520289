using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments.Checkout;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
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
        ["Cors:AllowedOrigins:0"] = "https://tickets.example.com",
        ["Catalog:TicketTypes:standard:Name"] = "Standard",
        ["Catalog:TicketTypes:standard:UnitPrice"] = "25.00",
        ["Catalog:TicketTypes:standard:Currency"] = "EUR",
    };

    /// The setting changed, its value (null: left out), the options class that refuses it, and the one failure it reports.
    public static TheoryData<string, string?, Type, string> InvalidSettings => new()
    {
        { "Stripe:SecretKey", null, typeof(StripeOptions), "Stripe:SecretKey is required (an sk_test_/sk_live_ or restricted rk_ key)." },
        { "Stripe:SecretKey", "pk_test_publishable", typeof(StripeOptions), "Stripe:SecretKey must be an sk_test_, sk_live_, rk_test_ or rk_live_ key." },
        { "Stripe:WebhookSecrets:0", null, typeof(StripeOptions), "Stripe:WebhookSecrets needs at least one endpoint secret, each starting with whsec_." },
        { "Stripe:WebhookSecrets:0", "not-a-whsec", typeof(StripeOptions), "Stripe:WebhookSecrets:0 is not an endpoint secret (whsec_...); in Azure, check that its Key Vault reference resolved." },
        // App Service leaves a Key Vault reference it cannot resolve (secret missing, no access) as its own text.
        { "Stripe:WebhookSecrets:1", "@Microsoft.KeyVault(SecretUri=https://kv-pay.vault.azure.net/secrets/stripe-webhook-secret-previous)", typeof(StripeOptions), "Stripe:WebhookSecrets:1 is not an endpoint secret (whsec_...); in Azure, check that its Key Vault reference resolved." },
        { "Stripe:LiveMode", "true", typeof(StripeOptions), "Stripe:SecretKey is a test key but Stripe:LiveMode is True." },
        { "Stripe:ApiVersion", "2024-06-20", typeof(StripeOptions), $"Stripe:ApiVersion is 2024-06-20, but Stripe.net pins {(global::Stripe.StripeConfiguration.ApiVersion)}; remove the setting (the SDK decides the version)." },
        { "Stripe:MaxNetworkRetries", "9", typeof(StripeOptions), "Stripe:MaxNetworkRetries must be between 0 and 5." },
        { "Stripe:MaxConcurrentWebhooks", "0", typeof(StripeOptions), "Stripe:MaxConcurrentWebhooks must be between 1 and 4096." },
        { "Stripe:WebhookQueueMilliseconds", "-1", typeof(StripeOptions), "Stripe:WebhookQueueMilliseconds must be between 0 and 59000." },
        { "Storage:ConnectionString", null, typeof(StorageOptions), "Set exactly one of Storage:ConnectionString or Storage:TableEndpoint." },
        { "ServiceBus:FullyQualifiedNamespace", null, typeof(MessagingOptions), "ServiceBus:ConnectionString or ServiceBus:FullyQualifiedNamespace is required when ServiceBus:Transport is ServiceBus." },
        { "ServiceBus:Transport", "Carrier-Pigeon", typeof(MessagingOptions), "ServiceBus:Transport must be ServiceBus or InProcess." },
        { "ServiceBus:FullyQualifiedNamespace", "sb://example.servicebus.windows.net/", typeof(MessagingOptions), "ServiceBus:FullyQualifiedNamespace must be a host name such as mynamespace.servicebus.windows.net (no scheme, no path)." },
        { "ServiceBus:ConnectionString", "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0;EntityPath=payments", typeof(MessagingOptions), "ServiceBus:ConnectionString is not usable for topic 'bookings': it is scoped to entity 'payments' (EntityPath)." },
        { "ServiceBus:ConnectionString", "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send", typeof(MessagingOptions), "ServiceBus:ConnectionString needs either SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature." },
        { "Cors:AllowedOrigins:0", null, typeof(CheckoutOptions), CheckoutOptions.NoOrigin },
        { "Checkout:ReturnOrigin", "https://evil.example", typeof(CheckoutOptions), CheckoutOptions.NotAnAllowedOrigin },
        { "Storage:ConnectionString", "AccountName=prod;this-is-not-a-setting", typeof(StorageOptions), "Storage:ConnectionString is not usable: it must be UseDevelopmentStorage=true or a storage connection string with AccountName and a base64 AccountKey (or a SAS)." },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void AMissingOrInvalidSettingFailsStartUpNamingIt(string key, string? value, Type options, string failure)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var error = FailedStart.ValidationErrorOf(FailedStart.Of("Production", settings));

        Assert.Equal(options, error.OptionsType);
        Assert.Equal([failure], FailedStart.Messages(error));
    }

    [Fact]
    public void AnEmptyWebhookSecretEntryIsRefusedNamingTheSetting()
    {
        // "WebhookSecrets": [ null ] in a settings file binds as a null element; it must not end in a NullReferenceException.
        var options = new PaymentFunctions.Payments.StripeApi.StripeOptions { SecretKey = "sk_test_config_check", WebhookSecrets = [null!] };

        var failures = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage);

        Assert.Equal(["Stripe:WebhookSecrets:0 is not an endpoint secret (whsec_...); in Azure, check that its Key Vault reference resolved."], failures);
    }

    [Theory]
    [InlineData("ServiceBus:Transport", "InProcess", typeof(MessagingOptions), "ServiceBus:Transport=InProcess")]
    [InlineData("Stripe:ApiBase", "http://127.0.0.1:12111", typeof(StripeOptions), "Stripe:ApiBase (a loopback Stripe emulator)")]
    [InlineData("Storage:ConnectionString", "UseDevelopmentStorage=true", typeof(StorageOptions), "Storage:ConnectionString (development storage / Azurite)")]
    public void ADevelopmentStandInIsRefusedInProduction(string key, string value, Type options, string standIn)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var error = FailedStart.ValidationErrorOf(FailedStart.Of("Production", settings));

        Assert.Equal(options, error.OptionsType);
        Assert.Contains($"{standIn} {StandInRefused}", FailedStart.Messages(error));
    }

    /// The environment, the stand-in's setting and value, the options class that refuses it and every failure it reports.
    public static TheoryData<string, string, string, Type, string[]> StandInsOutsideDevelopment => new()
    {
        { "Staging", "Storage:ConnectionString", "UseDevelopmentStorage=true", typeof(StorageOptions), ["Storage:ConnectionString (development storage / Azurite)"] },
        { "Staging", "ServiceBus:Transport", "InProcess", typeof(MessagingOptions), ["ServiceBus:Transport=InProcess"] },
        { "Test", "Stripe:ApiBase", "http://127.0.0.1:12111", typeof(StripeOptions), ["Stripe:ApiBase (a loopback Stripe emulator)", "Stripe:ApiBase (not https)"] },
        { "Staging", "Stripe:ApiBase", "http://stripe-proxy.internal.example", typeof(StripeOptions), ["Stripe:ApiBase (not https)"] },
        { "Testing", "Auth:DevSigningKey", "a-development-key-long-enough-0123456789", typeof(AuthOptions), ["Auth:DevSigningKey (HS256 development tokens)"] },
    };

    [Theory]
    [MemberData(nameof(StandInsOutsideDevelopment))]
    public void EveryEnvironmentButDevelopmentRefusesAStandInNamingTheSetting(string environment, string key, string value, Type options, string[] standIns)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var error = FailedStart.ValidationErrorOf(FailedStart.Of(environment, settings));

        Assert.Equal(options, error.OptionsType);
        // Only the stand-in refusals: the in-process transport is also refused by this plain host for its own reason.
        Assert.Equal(standIns.Select(s => $"{s} {StandInRefused}"), FailedStart.Messages(error).Where(m => m.EndsWith(StandInRefused, StringComparison.Ordinal)));
        Assert.DoesNotContain("a-development-key-long-enough", error.ToString(), StringComparison.Ordinal);
    }

    private const string StandInRefused = "configures a development stand-in, which is refused outside the Development environment and with Stripe:LiveMode.";

    [Fact]
    public void ADevelopmentStandInIsRefusedWithLiveStripeWhateverTheEnvironmentIsCalled()
    {
        var settings = ValidSettings();
        settings["Stripe:LiveMode"] = "true";
        settings["Stripe:SecretKey"] = "sk_live_config_check";
        settings["ServiceBus:Transport"] = "InProcess";

        var error = FailedStart.ValidationErrorOf(FailedStart.Of("Staging", settings));

        Assert.Equal(typeof(MessagingOptions), error.OptionsType);
        Assert.Contains($"ServiceBus:Transport=InProcess {StandInRefused}", FailedStart.Messages(error));
        // Nowhere in the error, inner exceptions included, may the live key appear.
        Assert.DoesNotContain("sk_live_config_check", error.ToString(), StringComparison.Ordinal);
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
            ["Stripe:WebhookSecrets:1"] = "whsec_previous_from_key_vault",
            ["Stripe:LiveMode"] = "False",
            ["Auth:Authority"] = "https://login.microsoftonline.com/tenant/v2.0",
            ["Auth:Audience"] = "api://paymentfunctions",
            // The template's defaults: the default scope, no separate staff audience.
            ["Auth:RequiredScope"] = "payments.access",
            ["Auth:AdminAudience"] = "",
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

    /// One start for two checks (host starts are counted): the app starts, and outside Development the demo does not
    /// exist (no page, no token helper, no config: 404 like any unknown path; the rule of the stand-ins,
    /// StandIns.AllowedIn) while the API's contract is still served.
    [Fact]
    public async Task AValidProductionConfigurationStartsWithoutTheDemoAndServesTheOpenApiDocument()
    {
        using var factory = Start("Production", ValidSettings());
        using var client = factory.CreateClient();

        var answers = new Dictionary<string, HttpStatusCode>();
        foreach (var (method, path) in new[] { ("GET", "/"), ("GET", "/index.html"), ("GET", "/app.js"), ("POST", "/dev/token"), ("GET", "/dev/config") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("""{"userId":"alice"}""", System.Text.Encoding.UTF8, "application/json") : null };
            using var response = await client.SendAsync(request);
            answers[$"{method} {path}"] = response.StatusCode;
        }

        using var openApi = await client.GetAsync("/openapi.json");

        Assert.NotNull(factory.Services.GetService(typeof(PaymentFunctions.Storage.PaymentTables)));
        Assert.All(answers, a => Assert.True(a.Value == HttpStatusCode.NotFound, $"{a.Key} answered {a.Value}"));
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(OpenApiContract.DocumentPath), await openApi.Content.ReadAsByteArrayAsync());
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
}
