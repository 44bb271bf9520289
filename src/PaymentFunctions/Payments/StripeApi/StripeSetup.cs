using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using PaymentFunctions.Telemetry;
using Stripe;

namespace PaymentFunctions.Payments.StripeApi;

public static class StripeSetup
{
    // Stripe.net's default is 80 s per attempt; a Stripe call that slow should fail and be retried well inside
    // the webhook deadline and the Idempotency-Key lease instead. HttpClient.Timeout is per attempt because
    // Stripe.net's SystemNetHttpClient sends each retry as its own request.
    internal static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    public static IServiceCollection AddStripe(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTelemetry();
        services.AddSingleton(sp => StripeRequestLimit.From(sp.GetRequiredService<IOptions<StripeOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => CreateClient(
            sp.GetRequiredService<IOptions<StripeOptions>>().Value,
            limit: sp.GetRequiredService<StripeRequestLimit>(),
            metrics: new StripeCallMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<TimeProvider>())));
        // For code on a hot path that needs Stripe only now and then (BookingResolver's last resort).
        services.AddSingleton(sp => new Lazy<StripeClient>(sp.GetRequiredService<StripeClient>));
        services.AddSingleton<StripeBackoff>();
        return services;
    }

    /// The one StripeClient of the app. Stripe.net retries connection failures, 409 and 5xx (or as
    /// Stripe-Should-Retry says) with exponential backoff, resending the same Idempotency-Key each time.
    /// Under it, each attempt takes a turn of <paramref name="limit"/> (when one is set), is timed by
    /// <paramref name="metrics"/> (when given), then passes key redaction.
    /// <paramref name="handler"/> and <paramref name="attemptTimeout"/> are test seams at the SDK's own boundary (HttpClient).
    public static StripeClient CreateClient(
        StripeOptions options, HttpMessageHandler? handler = null, TimeSpan? attemptTimeout = null, StripeRequestLimit? limit = null, StripeCallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        HttpMessageHandler pipeline = new StripeKeyRedaction(options.SecretKey) { InnerHandler = handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } };
        if (metrics is not null)
        {
            metrics.InnerHandler = pipeline;
            pipeline = metrics;
        }

        if (limit?.Limiter is not null)
        {
            pipeline = new StripeRateLimitHandler(limit) { InnerHandler = pipeline };
        }

        var http = new HttpClient(pipeline) { Timeout = attemptTimeout ?? AttemptTimeout };
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = options.SecretKey,
            // Stripe.net appends "/v1/..." to the base as a string.
            ApiBase = options.ApiBase.AbsoluteUri.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(http, options.MaxNetworkRetries, appInfo: new AppInfo { Name = "PaymentFunctions" }, enableTelemetry: false),
        });
    }
}
