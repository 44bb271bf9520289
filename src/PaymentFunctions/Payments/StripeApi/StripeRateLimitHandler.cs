using System.Text.Json;

namespace PaymentFunctions.Payments.StripeApi;

/// Every request to Stripe takes a permit of <see cref="StripeRequestLimit"/> first, Stripe.net's retries included
/// (each attempt is its own request through this HttpClient). One that gets none in time is never sent: it is answered
/// here the way Stripe answers a rate-limited request (429, error code rate_limit), so every caller that handles Stripe's
/// 429 handles this one too. Stripe-Should-Retry: false, because Stripe.net would otherwise queue it again at once after
/// it has already waited its turn; the caller backs off instead (<see cref="StripeBackoff"/>).
internal sealed class StripeRateLimitHandler(StripeRequestLimit limit) : DelegatingHandler
{
    /// The Stripe-Rate-Limited-Reason of a request refused here rather than by Stripe (Stripe's own are global-rate,
    /// endpoint-rate, global-concurrency, endpoint-concurrency and resource-specific).
    public const string LocalReason = "paymentfunctions-limit";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Held until Stripe's answer has arrived: a concurrency limiter (tests use one) then counts requests in flight.
        using var lease = await limit.AcquireAsync(cancellationToken);
        if (lease.IsAcquired)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var message = $"No turn within {limit.MaxWait.TotalMilliseconds:F0} ms under this instance's limit (Stripe:MaxRequestsPerSecond); the request was not sent to Stripe.";
        var body = JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "rate_limit", message } });
        var response = new HttpResponseMessage((System.Net.HttpStatusCode)429) { RequestMessage = request, Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        response.Headers.Add("Stripe-Should-Retry", "false");
        response.Headers.Add(StripeFailure.RateLimitedReasonHeader, LocalReason);
        return response;
    }
}
