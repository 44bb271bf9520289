using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;

namespace PaymentFunctions.Hosting;

public static class ObservabilitySetup
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// Under the Functions host, when Application Insights is configured: the worker's traces, metrics and logs to
    /// Azure Monitor through OpenTelemetry (host.json's telemetryMode does the same for the host's). Log scopes
    /// (BookingId, StripeEventId, MessageId) become properties, so one payment can be followed end to end.
    public static IHostApplicationBuilder AddAzureMonitor(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[ConnectionStringSetting]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeScopes = true;
            logging.IncludeFormattedMessage = true;
        });
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults().UseAzureMonitorExporter();
        return builder;
    }
}
