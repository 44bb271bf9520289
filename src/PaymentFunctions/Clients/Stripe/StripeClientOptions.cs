using Azure.Core;

namespace PaymentFunctions.Clients.Stripe;

/// <summary>Options for <see cref="StripeClient"/>: API version pin, Stripe.net's retry rule and test seams.</summary>
public sealed class StripeClientOptions : ClientOptions
{
    /// <summary>The <c>Stripe-Version</c> sent on every request, so the account's default version cannot change our wire format.</summary>
    public string ApiVersion { get; set; } = "2024-06-20";

    /// <summary>How many times a request is retried after the first attempt (connection errors, 409, 5xx, or as <c>Stripe-Should-Retry</c> says).</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>The first retry delay, doubled on each retry; also the floor of any jittered delay.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The cap on the exponential delay before jitter is applied.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A source of numbers in [0, 1] for the jitter; defaults to <see cref="Random.Shared"/>.</summary>
    public Func<double>? Jitter { get; set; }

    /// <summary>Waits between retries; defaults to <see cref="Task.Delay(TimeSpan, CancellationToken)"/>. Tests pass a recorder that does not sleep.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; set; }
}
