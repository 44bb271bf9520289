using Microsoft.Extensions.Options;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Checkout;

public static class CheckoutSetup
{
    public static IServiceCollection AddCheckout(this IServiceCollection services)
    {
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.Section)
            .Validate<IOptions<SpaCorsOptions>>((checkout, cors) => checkout.ReturnOrigin is not { Length: > 0 } || checkout.OriginFrom(cors.Value) is not null, CheckoutOptions.NotAnAllowedOrigin)
            .Validate<IOptions<SpaCorsOptions>>((checkout, cors) => checkout.ReturnOrigin is { Length: > 0 } || cors.Value.AllowedOrigins.Length > 0, CheckoutOptions.NoOrigin)
            .ValidateOnStart();
        services.AddSingleton<CheckoutReturnUrls>();
        services.AddSingleton<CheckoutSessionIssuer>();
        return services;
    }
}
