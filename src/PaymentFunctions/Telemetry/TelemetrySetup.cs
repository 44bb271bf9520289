using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PaymentFunctions.Telemetry;

public static class TelemetrySetup
{
    /// IMeterFactory (both hosts' builders add it already; a composition of a few features does not) and the
    /// instruments several folders share. Every feature that measures itself calls this; calling it again changes
    /// nothing. Which exporter reads the instruments is the host's choice (Hosting/ObservabilitySetup.cs).
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<TimerRunMetrics>();
        return services;
    }
}
