using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.Stripe;

/// <summary>
/// A small client for Stripe's REST API v1 on Azure.Core's <see cref="HttpPipeline"/>: bearer secret key,
/// pinned <c>Stripe-Version</c>, form-encoded bodies, Stripe.net's retry rule. Thread-safe; use one instance.
/// </summary>
public sealed partial class StripeClient
{
    private const int MaxIdempotencyKeyLength = 255;
    private readonly Uri _apiBase;
    private readonly AzureKeyCredential _secretKey;
    private readonly HttpPipeline _pipeline;

    /// <summary>Creates a client for <paramref name="apiBase"/> (https://api.stripe.com, or an emulator).</summary>
    /// <param name="apiBase">The API root, without <c>/v1</c>.</param>
    /// <param name="secretKey">The secret key (sk_...); read on every request, so <see cref="AzureKeyCredential.Update"/> rotates it.</param>
    /// <param name="options">Version pin, retry settings and Azure.Core options; the retry policy is replaced by Stripe's.</param>
    public StripeClient(Uri apiBase, AzureKeyCredential secretKey, StripeClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(apiBase);
        ArgumentNullException.ThrowIfNull(secretKey);
        if (!apiBase.IsAbsoluteUri)
        {
            throw new ArgumentException("The Stripe API base must be an absolute URI.", nameof(apiBase));
        }

        options ??= new StripeClientOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiVersion);
        _apiBase = apiBase;
        _secretKey = secretKey;

        options.RetryPolicy = new StripeRetryPolicy(options);
        // Azure.Core logs only allow-listed headers and query parameters; Authorization is never among them.
        foreach (var header in new[] { "Request-Id", "Stripe-Version", "Idempotency-Key", "Idempotent-Replayed", "Stripe-Should-Retry" })
        {
            options.Diagnostics.LoggedHeaderNames.Add(header);
        }

        _pipeline = HttpPipelineBuilder.Build(new HttpPipelineOptions(options)
        {
            PerRetryPolicies = { new StripeHeadersPolicy(secretKey, options.ApiVersion) },
        });
    }

    /// <summary>Creates a PaymentIntent (<c>POST /v1/payment_intents</c>).</summary>
    /// <param name="options">Amount, currency, metadata and the rest.</param>
    /// <param name="idempotencyKey">The caller's deterministic key (e.g. booking + attempt): a repeat returns the first intent instead of a second one.</param>
    /// <param name="ct">Cancels the call, including waits between retries.</param>
    /// <exception cref="StripeException">Stripe refused, failed, or could not be reached.</exception>
    public Task<StripePaymentIntent> CreatePaymentIntentAsync(PaymentIntentCreateOptions options, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Amount);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Currency);
        ValidateIdempotencyKey(idempotencyKey);

        var form = new List<KeyValuePair<string, object?>>
        {
            new("amount", options.Amount),
            new("currency", LowerCase(options.Currency)),
            new("automatic_payment_methods", new Dictionary<string, object?> { ["enabled"] = options.AutomaticPaymentMethods }),
            new("description", options.Description),
            new("receipt_email", options.ReceiptEmail),
            new("metadata", options.Metadata),
        };
        var message = CreatePost(["v1", "payment_intents"], form, idempotencyKey);
        return SendAsync(message, (json, requestId) => StripePaymentIntent.Parse(json) with { RequestId = requestId }, ct);
    }

    /// <summary>Retrieves a PaymentIntent (<c>GET /v1/payment_intents/{id}</c>).</summary>
    /// <exception cref="StripeException">Stripe refused (404 for an unknown id), failed, or could not be reached.</exception>
    public Task<StripePaymentIntent> GetPaymentIntentAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var message = CreateGet(["v1", "payment_intents", id], query: null);
        return SendAsync(message, (json, requestId) => StripePaymentIntent.Parse(json) with { RequestId = requestId }, ct);
    }

    /// <summary>Cancels a PaymentIntent (<c>POST /v1/payment_intents/{id}/cancel</c>).</summary>
    /// <param name="id">pi_...</param>
    /// <param name="cancellationReason">duplicate, fraudulent, requested_by_customer, abandoned, or null.</param>
    /// <param name="idempotencyKey">The caller's deterministic key for this cancellation.</param>
    /// <param name="ct">Cancels the call, including waits between retries.</param>
    /// <exception cref="StripeException">Stripe refused (e.g. 400 when the intent already succeeded), failed, or could not be reached.</exception>
    public Task<StripePaymentIntent> CancelPaymentIntentAsync(string id, string? cancellationReason, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ValidateIdempotencyKey(idempotencyKey);
        var form = new List<KeyValuePair<string, object?>> { new("cancellation_reason", cancellationReason) };
        var message = CreatePost(["v1", "payment_intents", id, "cancel"], form, idempotencyKey);
        return SendAsync(message, (json, requestId) => StripePaymentIntent.Parse(json) with { RequestId = requestId }, ct);
    }

    /// <summary>Lists events, newest first (<c>GET /v1/events</c>); Stripe keeps them for 30 days.</summary>
    /// <exception cref="StripeException">Stripe refused, failed, or could not be reached.</exception>
    public Task<StripeList<StripeEvent>> ListEventsAsync(EventListOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Limit, 100);
        if (options.Types is { Count: > 20 })
        {
            throw new ArgumentException("Stripe accepts at most 20 event types.", nameof(options));
        }

        var query = new List<KeyValuePair<string, object?>>
        {
            new("created", options.CreatedGte is { } gte ? new Dictionary<string, object?> { ["gte"] = gte } : null),
            new("starting_after", options.StartingAfter),
            new("ending_before", options.EndingBefore),
            new("limit", options.Limit),
            new("types", options.Types),
        };
        var message = CreateGet(["v1", "events"], query);
        return SendAsync(message, (json, requestId) => ParseList(json, StripeEvent.Parse) with { RequestId = requestId }, ct);
    }

    /// <summary>Retrieves one event (<c>GET /v1/events/{id}</c>), e.g. to re-read a webhook's event from the source.</summary>
    /// <exception cref="StripeException">Stripe refused (404 for an unknown or expired id), failed, or could not be reached.</exception>
    public Task<StripeEvent> GetEventAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var message = CreateGet(["v1", "events", id], query: null);
        return SendAsync(message, (json, _) => StripeEvent.Parse(json), ct);
    }

    // Stripe documents currency codes in lower case.
    [SuppressMessage("Globalization", "CA1308:Normalize strings to uppercase", Justification = "Stripe's wire format is lower case.")]
    private static string LowerCase(string currency) => currency.ToLowerInvariant();

    private static void ValidateIdempotencyKey(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (idempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            throw new ArgumentException($"Stripe idempotency keys are at most {MaxIdempotencyKeyLength} characters.", nameof(idempotencyKey));
        }
    }
}
