namespace PaymentFunctions.Hosting;

public static class HostingSetup
{
    /// Under the Functions host (custom handler) the app must listen on the loopback port the host chose.
    public static WebApplicationBuilder UseCustomHandlerPort(this WebApplicationBuilder builder)
    {
        if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } port)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        return builder;
    }

    public static IServiceCollection AddHosting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FaultInjection>();

        // Read at registration: a hosted service cannot be added later. In Azure the Functions host fires the timers.
        var timers = configuration.GetSection("Timers").Get<TimerOptions>() ?? new TimerOptions();
        if (timers.RunLocally)
        {
            services.AddSingleton(timers);
            services.AddHostedService<LocalTimers>();
        }

        return services;
    }
}
