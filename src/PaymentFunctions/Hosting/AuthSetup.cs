namespace PaymentFunctions.Hosting;

// STUB - replaced by the SPA auth work (issue 3).
public static class AuthSetup
{
    public static IServiceCollection AddSpaAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddAuthentication();
        services.AddAuthorization();
        services.AddCors();
        return services;
    }
}
