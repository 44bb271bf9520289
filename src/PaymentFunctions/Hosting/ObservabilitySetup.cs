using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;

namespace PaymentFunctions.Hosting;

public static class ObservabilitySetup
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// Under the Functions host, when Application Insights is configured: the worker's traces, metrics and logs to
    /// Azure Monitor through OpenTelemetry (host.json's telemetryMode does the same for the host's). Log scopes
    /// (BookingId, StripeEventId, MessageId) become properties, so one payment can be followed end to end.
    /// With APPLICATIONINSIGHTS_AUTHENTICATION_STRING the exporter sends with the app's managed identity, as the host
    /// does (infra/main.bicep turns local auth off on the resource); a malformed value stops the start, naming it.
    public static IHostApplicationBuilder AddAzureMonitor(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[ConnectionStringSetting]))
        {
            return builder;
        }

        var authentication = ApplicationInsightsAuthentication.Parse(builder.Configuration[ApplicationInsightsAuthentication.Setting]);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeScopes = true;
            logging.IncludeFormattedMessage = true;
        });
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults().UseAzureMonitorExporter(exporter =>
        {
            if (authentication is not null)
            {
                exporter.Credential = new ManagedIdentityCredential(authentication.ClientId is { } clientId
                    ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                    : ManagedIdentityId.SystemAssigned);
            }
        });
        return builder;
    }
}
