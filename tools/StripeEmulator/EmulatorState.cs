using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace StripeEmulator;

/// Everything the emulator holds, in memory. One lock guards it: the emulator serves tests, not load,
/// and one lock makes every state change (object + its events) atomic as seen by readers.
/// Public members hand out copies, so tests can inspect without racing the API.
public sealed partial class EmulatorState
{
    private const string IdAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private readonly EmulatorOptions _options;
    private readonly List<JsonObject> _events = [];
    private readonly List<WebhookDelivery> _deliveries = [];
    private readonly Channel<WebhookJob> _webhooks = Channel.CreateUnbounded<WebhookJob>();
    private int _createCount;
    private int _requestCount;

    public EmulatorState(IOptions<EmulatorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    internal Lock Sync { get; } = new();

    internal Dictionary<string, JsonObject> PaymentIntentsById { get; } = [];

    internal Dictionary<string, JsonObject> ChargesById { get; } = [];

    internal Dictionary<string, JsonObject> RefundsById { get; } = [];

    internal Dictionary<string, JsonObject> CustomersById { get; } = [];

    internal Dictionary<string, JsonObject> PaymentMethodsById { get; } = [];

    /// PaymentMethod ids handed out for test tokens (pm_card_visa -> pm_...), mapped back to the token.
    internal Dictionary<string, string> PaymentMethodTokens { get; } = [];

    /// Detached PaymentMethods, which Stripe never lets pay again.
    internal HashSet<string> DetachedPaymentMethods { get; } = [];

    internal Dictionary<string, JsonObject> CheckoutSessionsById { get; } = [];

    /// What Stripe keeps of a session but does not return on it: its line items and its PaymentIntent's parameters.
    internal Dictionary<string, Checkout.CheckoutDraft> CheckoutDrafts { get; } = [];

    /// PaymentIntents made for a Checkout Session (intent -> session): Stripe cancels them only by expiring the session.
    internal Dictionary<string, string> CheckoutIntents { get; } = [];

    internal ChannelReader<WebhookJob> WebhookQueue => _webhooks.Reader;

    public IReadOnlyCollection<JsonObject> PaymentIntents => Copy(() => PaymentIntentsById.Values);

    public IReadOnlyCollection<JsonObject> Charges => Copy(() => ChargesById.Values);

    public IReadOnlyCollection<JsonObject> Refunds => Copy(() => RefundsById.Values);

    public IReadOnlyCollection<JsonObject> Customers => Copy(() => CustomersById.Values);

    public IReadOnlyCollection<JsonObject> PaymentMethods => Copy(() => PaymentMethodsById.Values);

    public IReadOnlyCollection<JsonObject> CheckoutSessions => Copy(() => CheckoutSessionsById.Values);

    /// Events oldest first (the API lists them newest first).
    public IReadOnlyList<JsonObject> Events => Copy(() => _events);

    public IReadOnlyList<WebhookDelivery> WebhookDeliveries
    {
        get
        {
            lock (Sync)
            {
                return [.. _deliveries];
            }
        }
    }

    /// PaymentIntents created (replays and failed validations excluded).
    public int CreateCount => Volatile.Read(ref _createCount);

    /// Authenticated /v1 requests seen, replays included.
    public int RequestCount => Volatile.Read(ref _requestCount);

    public JsonObject? FindPaymentIntent(string id)
    {
        lock (Sync)
        {
            return PaymentIntentsById.TryGetValue(id, out var intent) ? (JsonObject)intent.DeepClone() : null;
        }
    }

    public JsonObject? FindCheckoutSession(string id)
    {
        lock (Sync)
        {
            return CheckoutSessionsById.TryGetValue(id, out var session) ? (JsonObject)session.DeepClone() : null;
        }
    }

    internal void CountRequest() => Interlocked.Increment(ref _requestCount);

    internal void CountCreate() => Interlocked.Increment(ref _createCount);

    internal long Now() => _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    // Stripe ids are a prefix and 24 base-62 characters; randomness comes from the options so tests can seed it.
    internal string NewId(string prefix, int length = 24)
    {
        var chars = new char[length];
        lock (_options.Random)
        {
            for (var i = 0; i < length; i++)
            {
#pragma warning disable CA5394 // Emulator ids and test-mode client secrets need no cryptographic randomness.
                chars[i] = IdAlphabet[_options.Random.Next(IdAlphabet.Length)];
#pragma warning restore CA5394
            }
        }

        return prefix + new string(chars);
    }

    internal void AddDelivery(WebhookDelivery delivery)
    {
        lock (Sync)
        {
            _deliveries.Add(delivery);
        }
    }

    private List<JsonObject> Copy(Func<IEnumerable<JsonObject>> source)
    {
        lock (Sync)
        {
            return [.. source().Select(o => (JsonObject)o.DeepClone())];
        }
    }
}

/// One webhook delivery attempt: StatusCode is null when the receiver could not be reached; RetryIn is the wait
/// before the next attempt, null when there is none (delivered, or attempts exhausted).
public sealed record WebhookDelivery(string EventId, string EventType, int Attempt, int? StatusCode, string? Error, DateTimeOffset AttemptedAt, TimeSpan? RetryIn)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

internal sealed record WebhookJob(string EventId, string EventType, string Body);
