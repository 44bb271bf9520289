using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Tests.Hosting;

/// infra/main.bicep turns local auth off on Application Insights and sets APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
/// the worker's exporter must then send with the app's managed identity, like the host. Nothing here reaches Azure
/// Monitor; that the token is accepted is not exercised (docs/hosting.md).
public sealed class ApplicationInsightsAuthenticationTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/";

    [Theory]
    [InlineData(null, false)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("Authorization=AAD;ClientId=6f3c4a5e-0000-4000-8000-000000000001", true)]
    public void TheExporterSendsWithTheManagedIdentityExactlyWhenTheAuthenticationStringAsksForEntraId(string? authentication, bool withIdentity)
    {
        var exporter = ExporterOptions(authentication);

        Assert.Equal(withIdentity, exporter.Credential is ManagedIdentityCredential);
        Assert.Equal(withIdentity, exporter.Credential is not null);
    }

    [Theory]
    [InlineData("Authorization=AAD", null)]
    [InlineData(" authorization = aad ; clientid = 6f3c4a5e-0000-4000-8000-000000000001 ", "6f3c4a5e-0000-4000-8000-000000000001")]
    [InlineData("ClientId=abc;Authorization=AAD;", "abc")]
    public void TheAuthenticationStringReadsAsTheHostReadsIt(string value, string? clientId)
    {
        Assert.Equal(new ApplicationInsightsAuthentication(clientId), ApplicationInsightsAuthentication.Parse(value));
    }

    [Theory]
    [InlineData("AAD")]
    [InlineData("Authorization=Key")]
    [InlineData("ClientId=abc")]
    [InlineData("Authorization=AAD;Secret=xyz")]
    [InlineData("Authorization=\"AAD")]
    public void AMalformedAuthenticationStringStopsTheStartNamingTheSetting(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ExporterOptions(value));

        Assert.Equal("APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be Authorization=AAD, optionally followed by ;ClientId={client id of a user-assigned identity}.", error.Message);
    }

    private static AzureMonitorExporterOptions ExporterOptions(string? authentication)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ObservabilitySetup.ConnectionStringSetting] = ConnectionString,
            [ApplicationInsightsAuthentication.Setting] = authentication,
        });

        builder.AddAzureMonitor();

        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
    }
}
