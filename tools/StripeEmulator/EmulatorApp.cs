using Microsoft.Extensions.Options;
using StripeEmulator.Api;
using StripeEmulator.Checkout;
using StripeEmulator.Customers;
using StripeEmulator.Events;
using StripeEmulator.Payments;
using StripeEmulator.Webhooks;

namespace StripeEmulator;

/// Builds the emulator as a WebApplication, so it runs standalone (Program.cs) and in-process in tests.
public static partial class EmulatorApp
{
    public const string ProductionRefusal = "The Stripe emulator is for development only";

    public static WebApplication Build(string[] args, Action<EmulatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = RequestedEnvironment(args) ?? Environments.Development,
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
        });
        if (builder.Environment.IsProduction())
        {
            throw new InvalidOperationException(ProductionRefusal);
        }

        var options = builder.Services.AddOptions<EmulatorOptions>().BindConfiguration(EmulatorOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => o.WebhookUrl is null || (Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"), "Emulator:WebhookUrl must be an absolute http(s) URL.")
            .Validate(o => o.WebhookUrl is null || !string.IsNullOrEmpty(o.WebhookSecret), "Emulator:WebhookSecret is required when Emulator:WebhookUrl is set.")
            .Validate(o => o.WebhookMaxAttempts >= 1, "Emulator:WebhookMaxAttempts must be at least 1.")
            .Validate(o => !string.IsNullOrEmpty(o.ApiKeyPrefix), "Emulator:ApiKeyPrefix must not be empty.")
            .Validate(o => !string.IsNullOrEmpty(o.PublishableKeyPrefix) && !o.PublishableKeyPrefix.StartsWith(o.ApiKeyPrefix, StringComparison.Ordinal), "Emulator:PublishableKeyPrefix must not be empty nor start with Emulator:ApiKeyPrefix.")
            .ValidateOnStart();

        builder.Services.AddSingleton<EmulatorState>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<RateLimits>();
        builder.Services.AddSingleton<StripeApi>();
        builder.Services.AddSingleton<PaymentIntentService>();
        builder.Services.AddSingleton<RefundService>();
        builder.Services.AddSingleton<RefundFailure>();
        builder.Services.AddSingleton<CustomerService>();
        builder.Services.AddSingleton<PaymentMethodService>();
        builder.Services.AddSingleton<EventQuery>();
        builder.Services.AddSingleton<CheckoutSessionService>();
        builder.Services.AddSingleton<CheckoutPayment>();
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName);
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.AddCors();

        var app = builder.Build();
        // api.stripe.com answers any origin: Stripe.js calls it from the shop's pages (the demo SPA here).
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseCors(cors => cors.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST", "DELETE")));
        app.Use(StripeEdge);
        app.MapStripeApi();
        app.MapCheckoutPage();
        app.MapEmulatorControl();
        return app;
    }

    // Unset environment means "development" here, unlike ASP.NET Core's default: the emulator is started
    // in-process by tests that pass no arguments. Only an explicit Production is refused.
    private static string? RequestedEnvironment(string[] args) =>
        new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.EnvironmentKey];

    /// Request-Id on every answer, then Stripe's API-key check for /v1: a secret key may call anything, a
    /// publishable key only what Stripe.js calls with a client secret (<see cref="PublishableKeys"/>).
    private static async Task StripeEdge(HttpContext http, RequestDelegate next)
    {
        var state = http.RequestServices.GetRequiredService<EmulatorState>();
        var requestId = state.NewId("req_", 14);
        http.Items[StripeApi.RequestIdItem] = requestId;
        http.Response.Headers["Request-Id"] = requestId;
        if (!http.Request.Path.StartsWithSegments("/v1"))
        {
            await next(http);
            return;
        }

        var options = http.RequestServices.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        http.Response.Headers["Stripe-Version"] = http.Request.Headers["Stripe-Version"].FirstOrDefault() ?? options.ApiVersion;
        var key = ApiKey(http.Request.Headers.Authorization.FirstOrDefault()) ?? await PublishableKeys.KeyParameterAsync(http.Request);
        if (HasPrefix(key, options.ApiKeyPrefix))
        {
            await next(http);
            return;
        }

        if (HasPrefix(key, options.PublishableKeyPrefix))
        {
            if (await PublishableKeys.RefusalAsync(http.Request, state) is { } refusal)
            {
                await StripeApi.WriteAsync(http, refusal.Status, refusal.Body.ToJsonString());
                return;
            }

            await next(http);
            return;
        }

        // Stripe echoes a redacted key; the emulator echoes none, so no key ever lands in a response or log.
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Stripe\"";
        var message = key is null
            ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
            : "Invalid API Key provided.";
        await StripeApi.WriteAsync(http, 401, StripeErrors.Body(StripeErrors.InvalidRequest, message).ToJsonString());
    }

    private static bool HasPrefix(string? key, string prefix) =>
        key is not null && key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal);

    private static string? ApiKey(string? authorization)
    {
        if (authorization is null)
        {
            return null;
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                return decoded.Split(':', 2)[0];
            }
            catch (FormatException)
            {
                return string.Empty;
            }
        }

        return string.Empty;
    }
}
