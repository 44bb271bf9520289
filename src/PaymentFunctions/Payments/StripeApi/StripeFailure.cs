using System.Net;
using Stripe;

namespace PaymentFunctions.Payments.StripeApi;

/// How to read a failed Stripe.net call. Stripe.net throws StripeException for every HTTP answer it did not like,
/// and lets HttpClient's own exceptions through when, after its retries, no answer came at all.
internal static class StripeFailure
{
    /// Which of Stripe's limiters refused a 429 (global-rate, endpoint-rate, global-concurrency, endpoint-concurrency,
    /// resource-specific), or <see cref="StripeRateLimitHandler.LocalReason"/> for this instance's own limit.
    public const string RateLimitedReasonHeader = "Stripe-Rate-Limited-Reason";

    /// No answer after Stripe.net's retries: the connection failed, or each attempt hit the HttpClient timeout.
    public static bool IsUnreachable(Exception exception, CancellationToken callerToken) => exception switch
    {
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => !callerToken.IsCancellationRequested,
        _ => false,
    };

    /// Whether the same request (same Idempotency-Key) may succeed later: 429, 5xx, or a 409 that is a lock
    /// conflict rather than an idempotency key reused with different parameters.
    public static bool IsTransient(StripeException exception) => (int)exception.HttpStatusCode switch
    {
        0 or 429 or >= 500 => true,
        409 => exception.StripeError?.Type != "idempotency_error",
        _ => false,
    };

    /// Stripe replayed this answer from an earlier request with the same Idempotency-Key (header
    /// Idempotent-Replayed: true; Stripe.net has no property for it). Stripe keeps a key's first result for 24 h,
    /// errors included, so that key will keep giving this answer.
    public static bool IsReplayed(StripeException exception) =>
        exception.StripeResponse?.Headers is { } headers
        && headers.TryGetValues("Idempotent-Replayed", out var values)
        && values.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));

    /// Stripe did not run the request, for now: its rate or concurrency limits, an object locked by another request
    /// (lock_timeout), or this instance's own limit. Nothing was done and nothing was kept under the Idempotency-Key.
    public static bool IsRateLimited(StripeException exception) => (int)exception.HttpStatusCode == 429;

    public static string? RateLimitedReason(StripeException exception) =>
        exception.StripeResponse?.Headers is { } headers && headers.TryGetValues(RateLimitedReasonHeader, out var values) ? values.FirstOrDefault() : null;

    public static bool IsServerError(StripeException exception) => exception.HttpStatusCode >= HttpStatusCode.InternalServerError;

    public static string? RequestId(StripeException exception) => exception.StripeResponse?.RequestId;
}
