using System.Threading.RateLimiting;

namespace PaymentFunctions.Payments.StripeApi;

/// This instance's own ceiling on requests to Stripe (Stripe:MaxRequestsPerSecond), so that a burst is smoothed here
/// instead of being refused by Stripe for the whole account, background work included. Off by default: Stripe's limit
/// is per account, and only whoever knows how many instances run can split it (docs/configuration.md).
/// A request waits at most MaxWait for a permit; the queue holds only as many as the limit can serve in that time,
/// so a request that could not be served in time is refused at once instead of after waiting for nothing.
public sealed class StripeRequestLimit(RateLimiter? limiter, TimeSpan maxWait, TimeProvider time) : IDisposable
{
    public RateLimiter? Limiter { get; } = limiter;

    public TimeSpan MaxWait { get; } = maxWait;

    public static StripeRequestLimit From(StripeOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var maxWait = TimeSpan.FromMilliseconds(options.RateLimitWaitMilliseconds);
        if (options.MaxRequestsPerSecond == 0)
        {
            return new StripeRequestLimit(null, maxWait, time);
        }

        // A sliding window rather than a token bucket: no second, however it is cut, sees much more than the limit
        // (a bucket refilled every second lets twice the limit through around the refill), and Stripe counts seconds.
        return new StripeRequestLimit(
            new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = options.MaxRequestsPerSecond,
                Window = TimeSpan.FromSeconds(1),
                SegmentsPerWindow = 10,
                QueueLimit = (int)Math.Ceiling(options.MaxRequestsPerSecond * maxWait.TotalSeconds),
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }),
            maxWait,
            time);
    }

    /// A permit, or a lease that is not acquired when none came within MaxWait. The caller's own cancellation throws.
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        if (Limiter is null)
        {
            return Granted.Lease;
        }

        if (MaxWait <= TimeSpan.Zero)
        {
            return Limiter.AttemptAcquire();
        }

        using var waited = new CancellationTokenSource(MaxWait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, waited.Token);
        try
        {
            return await Limiter.AcquireAsync(1, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Granted.None;
        }
    }

    public void Dispose() => Limiter?.Dispose();

    private sealed class Granted(bool acquired) : RateLimitLease
    {
        public static readonly Granted Lease = new(true);
        public static readonly Granted None = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
