using System.Globalization;
using Stripe;

namespace PaymentFunctions.Payments.StripeApi;

/// The one place that decides how long to leave Stripe alone after a 429: Stripe's rate or concurrency limiters, an
/// object lock (lock_timeout), or this instance's own limit (<see cref="StripeRateLimitHandler"/>). Stripe.net retries
/// a 429 only when Stripe-Should-Retry says true, and then within half a second to a few seconds, which does not help
/// against a limit that is full; so a 429 reaches the app's code, which either answers the SPA 503 with
/// <see cref="Delay"/> as Retry-After, or (background work) calls <see cref="RunAsync{T}"/>.
public sealed class StripeBackoff(TimeProvider time, ILogger<StripeBackoff> logger)
{
    public const int DefaultAttempts = 6;

    /// The first wait; each later attempt doubles it, up to <see cref="MaxDelay"/>. Stripe counts requests per second.
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(32);

    /// A Retry-After longer than this is read as a mistake (Stripe documents none; a proxy might send one).
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromMinutes(5);

    /// Jitter source; a test may fix it.
    internal Random Random { get; init; } = Random.Shared;

    /// How long to wait before the call after attempt number <paramref name="attempt"/> (1 = the first call) failed
    /// with <paramref name="exception"/>: exponential from <see cref="BaseDelay"/> times a random factor in [1, 2), so
    /// that the many callers refused in the same second do not all come back in the same second; never shorter than a
    /// Retry-After the answer carries.
    public TimeSpan Delay(StripeException exception, int attempt)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var exponential = BaseDelay * Math.Pow(2, Math.Clamp(attempt, 1, 16) - 1);
        var jittered = (exponential < MaxDelay ? exponential : MaxDelay) * (1 + Random.NextDouble());
        return RetryAfter(exception) is { } asked && asked > jittered ? asked : jittered;
    }

    /// Runs a Stripe call; while it is answered 429 it waits <see cref="Delay"/> (on the TimeProvider) and calls again,
    /// up to <paramref name="maxAttempts"/> calls, then throws the last 429. Only 429s: Stripe ran nothing for them and
    /// kept nothing under the Idempotency-Key, so calling again is safe with a key or without one. Every other failure
    /// is thrown at once, as without this. For background work (expiry, reconciliation, refunds): one booking waits,
    /// the run goes on after it, and a run that still gets 429s after ~1 minute fails and is retried by its timer.
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, int maxAttempts = DefaultAttempts)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (StripeException ex) when (StripeFailure.IsRateLimited(ex) && attempt < maxAttempts)
            {
                var delay = Delay(ex, attempt);
                logger.LogWarning("Stripe answered 429 {Code} ({Reason}, request {RequestId}); waiting {Delay} ms before attempt {Next} of {Max}", ex.StripeError?.Code, StripeFailure.RateLimitedReason(ex), StripeFailure.RequestId(ex), (long)delay.TotalMilliseconds, attempt + 1, maxAttempts);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken, int maxAttempts = DefaultAttempts)
    {
        ArgumentNullException.ThrowIfNull(call);
        return RunAsync(async ct =>
        {
            await call(ct);
            return true;
        }, cancellationToken, maxAttempts);
    }

    /// The Retry-After header of an HTTP answer to the SPA: whole seconds, rounded up; 5 s for an unavailable Stripe
    /// (<paramref name="delay"/> null), which is no sign of a limit and gains nothing from a quick retry.
    public static string RetryAfterHeader(TimeSpan? delay) =>
        (delay is { } d ? Math.Max(1, (int)Math.Ceiling(d.TotalSeconds)) : 5).ToString(CultureInfo.InvariantCulture);

    private TimeSpan? RetryAfter(StripeException exception)
    {
        var header = exception.StripeResponse?.Headers?.RetryAfter;
        var asked = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        return asked is { } a && a > TimeSpan.Zero ? (a < LongestRetryAfter ? a : LongestRetryAfter) : null;
    }
}
