using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PaymentFunctions.Messaging;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Hosting;

public static class ObservabilitySetup
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// OpenTelemetry's own setting, read by its OTLP exporter (with the other OTEL_EXPORTER_OTLP_* settings).
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// The name OpenTelemetry's listener has among .NET's metrics listeners (IMetricsListener.Name).
    private const string OpenTelemetryListener = "OpenTelemetry";

    /// The meters OpenTelemetry reads, in both hosts: the app's (docs/operations.md), .NET's HTTP client (every call
    /// to Stripe and storage: http.client.request.duration) and ASP.NET Core's server (http.server.request.duration).
    /// The host adds its exporter: Azure Monitor under the Functions host (<see cref="AddAzureMonitor"/>), Prometheus
    /// standalone (Standalone/MetricsEndpoint.cs); either way OTLP too when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    public static OpenTelemetryBuilder AddMetricsExport(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        if (otlp)
        {
            // OTLP pushes on its own schedule: nothing else would read the outbox backlog for its gauges.
            services.AddHostedService<OutboxBacklogRefresh>();
        }

        // Which meters OpenTelemetry reads is a rule of .NET's metrics builder rather than AddMeter, because AddMeter
        // subscribes by name alone, to every meter of that name in the process. The rules also ask that a meter be this
        // host's (MeterScope.Local: made by its IMeterFactory): where several hosts share a process (the tests), one
        // host's exporter then never merges another's instruments into its streams, nor loses a stream when that other
        // host stops and disposes its meter. .NET's HTTP client also makes a process-wide meter (Global) for clients
        // made without the factory, as Stripe.net's and the Azure SDK's are.
        services.AddMetrics(rules => rules
            .EnableMetrics(PaymentsMeter.Name, instrumentName: null, OpenTelemetryListener, MeterScope.Local)
            .EnableMetrics("Microsoft.AspNetCore.Hosting", instrumentName: null, OpenTelemetryListener, MeterScope.Local)
            .EnableMetrics("System.Net.Http", instrumentName: null, OpenTelemetryListener, MeterScope.Global | MeterScope.Local));
        return services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // Made when the exporter starts, not when the health check first asks: its gauges exist from then on.
            metrics.AddInstrumentation(sp => sp.GetRequiredService<OutboxBacklog>());
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });
    }

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
        // Azure Monitor pushes on its own schedule: the outbox gauges need reading without a scrape.
        builder.Services.AddHostedService<OutboxBacklogRefresh>();
        return builder;
    }
}
