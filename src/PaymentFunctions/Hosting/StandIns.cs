using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Hosting;

/// The development stand-ins (Azurite, the Stripe emulator, the in-process transport, the HS256 dev token key) must
/// never serve real traffic: with any of them configured the app refuses to start in every environment but
/// Development, and with live Stripe payments even there. Refusing only "Production" let Staging, Test or a typo run
/// on Azurite with the dev key, so the one environment that may use them is named and every other refuses. One list,
/// here, so a new stand-in is refused in the same words as the others; the features only say what they were given.
public static class StandIns
{
    public static IServiceCollection RefuseStandInsWhereLive(this IServiceCollection services)
    {
        Refuse<StorageOptions>(services, IsDevelopmentStorage, "Storage:ConnectionString (development storage / Azurite)");
        Refuse<StripeOptions>(services, o => o.ApiBase is { IsLoopback: true }, "Stripe:ApiBase (a loopback Stripe emulator)");
        // Only the emulator speaks plain http; a real Stripe base without TLS would carry the secret key in the clear.
        Refuse<StripeOptions>(services, o => o.ApiBase is { } b && b.Scheme != Uri.UriSchemeHttps, "Stripe:ApiBase (not https)");
        Refuse<MessagingOptions>(services, o => o.IsInProcess, "ServiceBus:Transport=InProcess");
        Refuse<AuthOptions>(services, o => o.HasDevSigningKey, "Auth:DevSigningKey (HS256 development tokens)");
        return services;
    }

    public static bool AllowedIn(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsDevelopment() && !configuration.GetValue<bool>("Stripe:LiveMode");

    public static string Refused(string setting) =>
        $"{setting} configures a development stand-in, which is refused outside the Development environment and with Stripe:LiveMode.";

    private static void Refuse<TOptions>(IServiceCollection services, Func<TOptions, bool> usesStandIn, string setting)
        where TOptions : class =>
        services.AddOptions<TOptions>()
            .Validate<IHostEnvironment, IConfiguration>((o, env, config) => AllowedIn(env, config) || !usesStandIn(o), Refused(setting))
            .ValidateOnStart();

    private static bool IsDevelopmentStorage(StorageOptions options) =>
        options.ConnectionString is { } cs
        && (cs.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
            || cs.Contains("devstoreaccount1", StringComparison.OrdinalIgnoreCase)
            || cs.Contains("127.0.0.1", StringComparison.Ordinal));
}
