namespace StripeEmulator.Api;

/// A fault armed through POST /_emulator/faults: the next Count requests whose path starts with Path
/// (and whose method is Method, when given) wait DelayMs, then fail with Status. With AfterCommit the
/// operation is applied and saved under its idempotency key first, and only the answer is lost.
public sealed class FaultRule
{
    public string Path { get; set; } = "/v1/";

    public string? Method { get; set; }

    /// Null means no failure: the request is only delayed (to hold an idempotency key in flight).
    public int? Status { get; set; }

    public int Count { get; set; } = 1;

    /// Sent as Stripe-Should-Retry when set.
    public bool? ShouldRetry { get; set; }

    /// Sent as Retry-After (seconds) when set.
    public int? RetryAfterSeconds { get; set; }

    /// Sent as Stripe-Rate-Limited-Reason with a 429 (Stripe's limiters: global-rate, endpoint-rate, global-concurrency,
    /// endpoint-concurrency, resource-specific).
    public string RateLimitedReason { get; set; } = RateLimits.GlobalReason;

    public bool AfterCommit { get; set; }

    /// The failure happened while the request executed, so Stripe keeps it under the request's Idempotency-Key
    /// and replays it (Idempotent-Replayed: true) to every retry with that key for 24 h.
    public bool SavedUnderKey { get; set; }

    public int DelayMs { get; set; }
}

internal sealed class FaultInjector
{
    private readonly List<(FaultRule Rule, int Remaining)> _rules = [];
    private readonly Lock _sync = new();

    public int Pending
    {
        get
        {
            lock (_sync)
            {
                return _rules.Sum(r => r.Remaining);
            }
        }
    }

    public void Add(FaultRule rule)
    {
        lock (_sync)
        {
            _rules.Add((rule, rule.Count));
        }
    }

    public void Clear()
    {
        lock (_sync)
        {
            _rules.Clear();
        }
    }

    /// Consumes one use of the first rule matching the request, if any.
    public FaultRule? Take(string method, string path)
    {
        lock (_sync)
        {
            var index = _rules.FindIndex(r => Matches(r.Rule, method, path));
            if (index < 0)
            {
                return null;
            }

            var (rule, remaining) = _rules[index];
            if (remaining <= 1)
            {
                _rules.RemoveAt(index);
            }
            else
            {
                _rules[index] = (rule, remaining - 1);
            }

            return rule;
        }
    }

    private static bool Matches(FaultRule rule, string method, string path) =>
        (rule.Method is null || string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase))
        && (path == rule.Path || path.StartsWith(rule.Path.TrimEnd('/') + "/", StringComparison.Ordinal));
}
