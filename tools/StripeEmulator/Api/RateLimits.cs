using Microsoft.Extensions.Options;

namespace StripeEmulator.Api;

/// Limits armed through POST /_emulator/rate-limits (DELETE lifts them). Stripe limits requests per second for the
/// whole account (live 100, test 25) and for each endpoint (25 unless its docs say otherwise), where an endpoint is
/// one named operation: POST /v1/payment_intents and GET /v1/payment_intents/{id} are two, and every id shares one.
public sealed class RateLimitSettings
{
    public int? GlobalPerSecond { get; set; }

    public int? EndpointPerSecond { get; set; }

    /// Sent as Stripe-Should-Retry when set. Stripe.net retries a 429 only when this says true.
    public bool? ShouldRetry { get; set; }

    /// Sent as Retry-After (seconds) when set. Stripe documents no Retry-After on its 429s; a proxy in front might add one.
    public int? RetryAfterSeconds { get; set; }
}

/// Counts requests in one-second windows of the emulator's clock (EmulatorOptions.TimeProvider, so a test moves time
/// by hand instead of racing a real second). A refused request is not counted, as it did nothing.
internal sealed class RateLimits(IOptions<EmulatorOptions> options)
{
    public const string GlobalReason = "global-rate";
    public const string EndpointReason = "endpoint-rate";

    private readonly Lock _sync = new();
    private readonly Dictionary<string, int> _perEndpoint = [];
    private RateLimitSettings? _settings;
    private long _window = long.MinValue;
    private int _global;
    private int _refused;

    public int Refused
    {
        get
        {
            lock (_sync)
            {
                return _refused;
            }
        }
    }

    public void Set(RateLimitSettings? settings)
    {
        lock (_sync)
        {
            _settings = settings;
            _window = long.MinValue;
        }
    }

    /// Null when the request may go ahead; otherwise the limits it ran into and Stripe's reason
    /// (the value of its Stripe-Rate-Limited-Reason header).
    public (RateLimitSettings Settings, string Reason)? Take(string endpoint)
    {
        lock (_sync)
        {
            if (_settings is not { } settings)
            {
                return null;
            }

            var window = options.Value.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
            if (window != _window)
            {
                (_window, _global) = (window, 0);
                _perEndpoint.Clear();
            }

            var used = _perEndpoint.GetValueOrDefault(endpoint);
            var reason = _global >= settings.GlobalPerSecond ? GlobalReason : used >= settings.EndpointPerSecond ? EndpointReason : null;
            if (reason is not null)
            {
                _refused++;
                return (settings, reason);
            }

            _global++;
            _perEndpoint[endpoint] = used + 1;
            return null;
        }
    }
}
