using Azure.Identity;
using Microsoft.Extensions.Options;
using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Hosting;

public static class StorageSetup
{
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
        return services;
    }
}
