using System.Diagnostics;
using System.Diagnostics.Metrics;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Payments.StripeApi;

/// Every request that goes to Stripe, timed: stripe.client.request.duration (seconds), by <c>stripe.operation</c>
/// (<see cref="StripeOperation"/>), <c>http.request.method</c> and <c>http.response.status_code</c>, or
/// <c>error.type</c> when no answer came (a connection failure, the attempt's timeout). Its count is the number of
/// calls: each of Stripe.net's retries is a request of its own and counted as one. It sits below the app's own
/// request limit (<see cref="StripeRateLimitHandler"/>), so it shows what Stripe answered and how fast, not the time a
/// request waited for a turn here. .NET's own http.client.request.duration (meter System.Net.Http) measures the
/// same requests by server address, without the operation.
public sealed class StripeCallMetrics : DelegatingHandler
{
    private readonly Histogram<double> _duration;
    private readonly TimeProvider _time;

    public StripeCallMetrics(IMeterFactory meters, TimeProvider time)
    {
        _duration = PaymentsMeter.Create(meters).CreateHistogram<double>(
            "stripe.client.request.duration", "s", "Requests to the Stripe API, by operation and status: how long each took.");
        _time = time;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var tags = new TagList
        {
            { "stripe.operation", StripeOperation.Of(request.Method, request.RequestUri!) },
            { "http.request.method", request.Method.Method },
        };
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            tags.Add("http.response.status_code", (int)response.StatusCode);
            _duration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
            return response;
        }
        catch (Exception ex)
        {
            tags.Add("error.type", ex.GetType().FullName);
            _duration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
            throw;
        }
    }
}
