using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Options;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Storage;

public static class StorageSetup
{
    /// One TableServiceClient for the process, as the SDK recommends (it is thread-safe and pools connections).
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations()
            .Validate<IHostEnvironment, IConfiguration>((o, env, config) => StandIns.AllowedIn(env, config) || !IsDevelopmentStorage(o), StandIns.Refused("Storage:ConnectionString (development storage / Azurite)"))
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.TableEndpoint is { } endpoint
                ? new TableServiceClient(endpoint, new DefaultAzureCredential())
                : new TableServiceClient(options.ConnectionString!);
        });
        services.AddSingleton<PaymentTables>();
        return services;
    }

    private static bool IsDevelopmentStorage(StorageOptions options) =>
        options.ConnectionString is { } cs
        && (cs.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
            || cs.Contains("devstoreaccount1", StringComparison.OrdinalIgnoreCase)
            || cs.Contains("127.0.0.1", StringComparison.Ordinal));
}
