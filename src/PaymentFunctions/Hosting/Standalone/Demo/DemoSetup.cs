using Microsoft.Extensions.Options;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;

namespace PaymentFunctions.Hosting.Standalone.Demo;

/// The demo SPA (wwwroot: one HTML page, one script, one stylesheet) and its /dev routes, served by the standalone
/// host only where the development stand-ins are allowed (Development, not live: StandIns.AllowedIn). Anywhere else
/// none of it is mapped, so the routes answer 404 like any unknown path. The Functions host never serves it: it has
/// no static file middleware, and the build neither copies nor publishes wwwroot (PaymentFunctions.csproj).
public static class DemoSetup
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DevTokens>();
        return services;
    }

    public static WebApplication UseDemo(this WebApplication app)
    {
        if (!StandIns.AllowedIn(app.Environment, app.Configuration))
        {
            return app;
        }

        var stripeOrigin = app.Services.GetRequiredService<IOptions<StripeOptions>>().Value.ApiBase.GetLeftPart(UriPartial.Authority);
        if (!app.Environment.WebRootFileProvider.GetFileInfo("index.html").Exists)
        {
            app.Logger.LogWarning("The demo page is not served: no wwwroot/index.html under the content root {ContentRoot} (run.sh passes --contentRoot src/PaymentFunctions).", app.Environment.ContentRootPath);
        }

        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                var headers = file.Context.Response.Headers;
                // Edits show on reload; the page talks only to this app and to Stripe (the emulator).
                headers.CacheControl = "no-cache";
                headers.ContentSecurityPolicy = $"default-src 'self'; connect-src 'self' {stripeOrigin}; frame-ancestors 'none'";
                headers.XContentTypeOptions = "nosniff";
            },
        });

        var dev = app.MapGroup("/dev").AddEndpointFilter(LoopbackCallers.OnlyLoopback);
        dev.MapPost("/token", DevTokenEndpoint.MintAsync);
        dev.MapGet("/config", DemoConfigEndpoint.Read);
        return app;
    }
}
