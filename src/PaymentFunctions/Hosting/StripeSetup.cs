using Azure;
using Microsoft.Extensions.Options;
using PaymentFunctions.Clients.Stripe;

namespace PaymentFunctions.Hosting;

public static class StripeSetup
{
    public static IServiceCollection AddStripe(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section).ValidateDataAnnotations()
            .Validate<IHostEnvironment, IConfiguration>((o, env, config) => StandIns.AllowedIn(env, config) || !StandIns.IsLoopback(o.ApiBase), StandIns.Refused("Stripe:ApiBase (a loopback Stripe emulator)"))
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            var clientOptions = new StripeClientOptions { ApiVersion = options.ApiVersion };

            // Azure.Core's default is 100 s per attempt; a Stripe call that slow should fail and be retried well
            // inside the webhook deadline and the Idempotency-Key lease instead.
            clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(15);
            return new StripeClient(options.ApiBase, new AzureKeyCredential(options.SecretKey), clientOptions);
        });
        return services;
    }
}
