using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Options;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Storage;

public static class StorageSetup
{
    /// One TableServiceClient for the process, as the SDK recommends (it is thread-safe and pools connections).
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.TableEndpoint is { } endpoint
                ? new TableServiceClient(endpoint, new DefaultAzureCredential())
                : new TableServiceClient(options.ConnectionString!);
        });
        services.AddSingleton<PaymentTables>();
        services.AddSingleton<PendingOutbox>();
        services.AddSingleton<RetentionIndex>();
        services.AddSingleton<AuditTrail>();
        services.AddTelemetry();
        services.AddSingleton<CommitMetrics>();
        services.AddSingleton<FaultInjection>();
        return services;
    }
}
