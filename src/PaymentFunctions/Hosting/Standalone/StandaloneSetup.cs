using Microsoft.AspNetCore.Server.Kestrel.Core;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging.Local;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Hosting.Standalone;

/// The standalone host: what the Functions host does for the app, done on Kestrel - the HTTP functions on their
/// routes, the timers on their schedules, the Service Bus functions fed by the in-process transport; and GET /metrics.
public static class StandaloneSetup
{
    public static IServiceCollection AddStandaloneHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KestrelServerOptions>(KestrelLimits.Apply);
        services.AddPrometheusMetrics(configuration);

        // The Service Bus functions subscribe to the in-process transport (used only with ServiceBus:Transport=InProcess),
        // invoked with the body and binding data the Functions host would give them.
        foreach (var function in FunctionCatalog.All.Where(f => f.ServiceBus is { TopicName: not null }))
        {
            services.AddSingleton(new InProcessSubscription(
                function.ServiceBus!.TopicName!,
                function.ServiceBus.SubscriptionName!,
                (sp, body, bindingData, ct) => FunctionInvoker.InvokeTriggerAsync(function, sp, body, bindingData, ct)));
        }

        // Read at registration: a hosted service cannot be added later. Under the Functions host the host fires them.
        if (configuration.GetValue<bool>("Timers:RunLocally"))
        {
            services.AddSingleton<TimerLeases>();
            services.AddSingleton<StandaloneTimers>();
            services.AddHostedService(sp => sp.GetRequiredService<StandaloneTimers>());
        }

        return services;
    }

    public static WebApplication UseStandaloneHost(this WebApplication app)
    {
        app.UseProblemDetailsResponses();
        // In Azure the platform answers CORS (infra/main.bicep siteConfig.cors); here ASP.NET Core does.
        app.UseCors();
        app.MapHttpFunctions(HostJson.RoutePrefix());
        app.MapMetrics();
        return app;
    }
}
