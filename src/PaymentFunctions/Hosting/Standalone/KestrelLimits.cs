using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PaymentFunctions.Hosting.Standalone;

/// Kestrel's limits for the standalone host, set here rather than left to defaults nobody chose. Under the Functions
/// host the worker's Kestrel is not what the internet reaches (docs/hosting.md), so these apply standalone only.
public static class KestrelLimits
{
    /// Enough for a busy instance (the SPA's browsers keep a connection or two each, Stripe a few), yet a bound on
    /// what a flood of idle or slow connections can hold: each reading webhook buffers at most Stripe:MaxWebhookBytes.
    public const int MaxConcurrentConnections = 2048;

    /// A body that arrives slower than this, once the grace period has passed, is cut off by Kestrel (408). The
    /// default is 240 B/s; the API's bodies are at most 16 KiB and Stripe's a few KiB sent at once, so 1 KiB/s
    /// refuses only senders that drip. It is not what protects the webhooks: a sender just above any rate would
    /// still hold its connection, so the webhook's own deadline (Stripe:WebhookBodyReadSeconds) bounds that.
    public static readonly MinDataRate MinRequestBodyDataRate = new(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));

    /// Headers dripped slowly hold a connection before any of the app's code runs (the default is 30 s).
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    public static void Apply(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Limits.MaxConcurrentConnections = MaxConcurrentConnections;
        // No route upgrades (WebSockets), so no upgraded connection may outlive its request.
        kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
        kestrel.Limits.MinRequestBodyDataRate = MinRequestBodyDataRate;
        kestrel.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
    }
}
