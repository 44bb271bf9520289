namespace PaymentFunctions.Hosting;

/// The development stand-ins (Azurite, the Stripe emulator, the in-process transport, the HS256 dev token key)
/// must never serve real traffic: with any of them configured the app refuses to start in Production, or
/// whenever it is configured for live Stripe payments, whatever the environment is called.
public static class StandIns
{
    public static bool AllowedIn(IHostEnvironment environment, IConfiguration configuration) =>
        !environment.IsProduction() && !configuration.GetValue<bool>("Stripe:LiveMode");

    public static bool IsLoopback(Uri? uri) => uri is not null && uri.IsLoopback;

    public static string Refused(string setting) =>
        $"{setting} configures a development stand-in, which is refused in the Production environment and with Stripe:LiveMode.";
}
