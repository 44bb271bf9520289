using Azure;
using Microsoft.Extensions.Options;
using PaymentFunctions.Clients.Stripe;

namespace PaymentFunctions.Hosting;

public static class StripeSetup
{
    public static IServiceCollection AddStripe(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section).ValidateDataAnnotations()
            .Validate<IHostEnvironment>((o, env) => StandIns.AllowedIn(env) || !StandIns.IsLoopback(o.ApiBase), StandIns.Refused("Stripe:ApiBase (a loopback Stripe emulator)"))
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            return new StripeClient(options.ApiBase, new AzureKeyCredential(options.SecretKey), new StripeClientOptions { ApiVersion = options.ApiVersion });
        });
        return services;
    }
}
