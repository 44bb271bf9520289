using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Retention;

public static class RetentionSetup
{
    /// The retention timer; the index it reads is written by the request paths (Storage/RetentionIndex).
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTelemetry();
        services.AddSingleton<RetainedRows>();
        services.AddSingleton<RetentionSweep>();
        return services;
    }
}
