using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace PaymentFunctions.Hosting.Standalone;

/// GET /metrics: the app's metrics in Prometheus' text format (OpenTelemetry's Prometheus exporter), for the
/// standalone host. Outside the route prefix, like Prometheus expects, and outside the function catalogue: the
/// Functions host has no such route (it exports to Azure Monitor).
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetricsExport(configuration).WithMetrics(metrics => metrics.AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value;
            if (!Allows(context.Connection.RemoteIpAddress, options.AllowRemoteScrape))
            {
                await TypedResults.Problem(
                    title: "Metrics are served to this machine only",
                    detail: $"GET {Path} answers loopback callers unless Metrics:AllowRemoteScrape is true: the counts reveal traffic volumes.",
                    statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
                return;
            }

            await next(context);
        }), optionsName: null);
        return app;
    }

    /// A caller on this machine (or no network peer at all, as in-memory test servers have) may scrape; others only
    /// when the setting allows it.
    public static bool Allows(IPAddress? caller, bool allowRemote) => allowRemote || caller is null || IPAddress.IsLoopback(caller);
}
