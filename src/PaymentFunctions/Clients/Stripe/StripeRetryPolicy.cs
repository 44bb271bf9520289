using System.Runtime.ExceptionServices;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.Stripe;

/// Stripe.net's retry rule (SystemNetHttpClient.ShouldRetry / SleepTime) in place of Azure.Core's RetryPolicy:
/// Azure's rule retries 408/429/500/502/503/504 and honours Retry-After, Stripe's retries 409 and every 5xx
/// and lets the API overrule it with Stripe-Should-Retry. The request, Idempotency-Key included, is resent as is.
internal sealed class StripeRetryPolicy : RetryPolicy
{
    private readonly int _maxRetries;
    private readonly TimeSpan _initialDelay;
    private readonly TimeSpan _maxDelay;
    private readonly Func<double> _jitter;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public StripeRetryPolicy(StripeClientOptions options)
        : base(maxRetries: Math.Max(0, options.MaxNetworkRetries))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxNetworkRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InitialRetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRetryDelay, options.InitialRetryDelay);
        _maxRetries = options.MaxNetworkRetries;
        _initialDelay = options.InitialRetryDelay;
        _maxDelay = options.MaxRetryDelay;
        _jitter = options.Jitter ?? Random.Shared.NextDouble;
        _delay = options.Delay ?? Task.Delay;
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessCoreAsync(message, pipeline, async: true);

    // The client only has async methods; the sync path exists because the base type demands it.
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessCoreAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    /// A failure to get any HTTP answer: Azure.Core's transport reports it as status 0, a timeout as a
    /// cancellation the caller did not ask for.
    internal static bool IsConnectionFailure(Exception exception, CancellationToken callerToken) => exception switch
    {
        RequestFailedException { Status: 0 } => true,
        IOException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    /// The delay before retry number <paramref name="retry"/> (1-based), exactly as Stripe.net computes it:
    /// exponential, capped, then scaled to 75-100 % and never below the initial delay.
    internal TimeSpan SleepTime(int retry)
    {
        var exponential = _initialDelay.Ticks * Math.Pow(2, retry - 1);
        var capped = Math.Min(exponential, _maxDelay.Ticks);
        var jitter = (3.0 + Math.Clamp(_jitter(), 0.0, 1.0)) / 4.0;
        var delay = TimeSpan.FromTicks((long)(capped * jitter));
        return delay < _initialDelay ? _initialDelay : delay;
    }

    private async ValueTask ProcessCoreAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        for (var retry = 0; ; retry++)
        {
            // The context is a struct that writes through to the message; Azure.Core's logging reads the number from it.
            var context = message.ProcessingContext;
            context.RetryNumber = retry;
            Exception? failure = null;
            try
            {
                if (async)
                {
                    await ProcessNextAsync(message, pipeline);
                }
                else
                {
                    ProcessNext(message, pipeline);
                }
            }
            catch (Exception e) when (IsConnectionFailure(e, message.CancellationToken))
            {
                failure = e;
            }

            if (!ShouldRetry(retry, failure, message))
            {
                if (failure is not null)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                return;
            }

            if (message.HasResponse)
            {
                message.Response.Dispose();
            }

            var wait = _delay(SleepTime(retry + 1), message.CancellationToken);
            if (async)
            {
                await wait;
            }
            else
            {
                wait.GetAwaiter().GetResult();
            }
        }
    }

    private bool ShouldRetry(int retriesSoFar, Exception? failure, HttpMessage message)
    {
        if (retriesSoFar >= _maxRetries)
        {
            return false;
        }

        if (failure is not null)
        {
            return true;
        }

        // The API knows better than a status code: "false" when a retry would be a no-op, "true" on lock timeouts.
        if (message.Response.Headers.TryGetValue("Stripe-Should-Retry", out var advice))
        {
            switch (advice)
            {
                case "true":
                    return true;
                case "false":
                    return false;
            }
        }

        return message.Response.Status is 409 or >= 500;
    }
}
