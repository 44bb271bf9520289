namespace PaymentFunctions.Hosting;

public static class HostingSetup
{
    public static IServiceCollection AddHosting(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FaultInjection>();
        services.AddSingleton<SpaAuthorization>();
        return services;
    }
}
