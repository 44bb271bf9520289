using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Hosting.Standalone;

/// GET /metrics: the app's metrics in Prometheus' text format (OpenTelemetry's Prometheus exporter), for the
/// standalone host. Outside the route prefix, where Prometheus looks by default, and outside the function catalogue:
/// the Functions host has no such route (it exports to Azure Monitor).
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    private static readonly TimeSpan BacklogWait = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetricsExport(configuration).WithMetrics(metrics => metrics.AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(BeforeScrapeAsync), optionsName: null);
        return app;
    }

    /// Refuses callers the setting does not allow (403 problem+json), then reads the outbox backlog (at most once per
    /// 30 s, shared with the health check): its gauges report the last reading and never read storage themselves. If
    /// storage does not answer in time the scrape still answers, with the last reading.
    public static async Task BeforeScrapeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!Allows(context.Connection.RemoteIpAddress, context.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value.AllowRemoteScrape))
        {
            await TypedResults.Problem(
                title: "Metrics are served to this machine only",
                detail: $"GET {Path} answers loopback callers unless Metrics:AllowRemoteScrape is true: the counts reveal traffic volumes.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
            return;
        }

        try
        {
            await context.RequestServices.GetRequiredService<OutboxBacklog>().ReadAsync(context.RequestAborted).WaitAsync(BacklogWait, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Logged by the read (a timeout is not: the read goes on and serves the next scrape).
        }

        await next(context);
    }

    /// A caller on this machine (or no network peer at all, as in-memory test servers have) may scrape; others only
    /// when the setting allows it.
    public static bool Allows(IPAddress? caller, bool allowRemote) => allowRemote || caller is null || IPAddress.IsLoopback(caller);
}
