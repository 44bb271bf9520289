using Microsoft.Extensions.Options;

namespace StripeEmulator.Api;

/// Stripe's idempotency layer: the first response for a key is saved and replayed for the same
/// parameters, a different request under the key is an idempotency_error, and a request arriving
/// while the first still runs gets 409 idempotency_key_in_use. Keys are pruned after their lifetime.
internal sealed class IdempotencyStore(IOptions<EmulatorOptions> options)
{
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _sync = new();
    private readonly EmulatorOptions _options = options.Value;

    public enum Outcome
    {
        Proceed,
        Replay,
        Mismatch,
        InUse,
    }

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _entries.Count;
            }
        }
    }

    public int InFlightCount
    {
        get
        {
            lock (_sync)
            {
                return _entries.Values.Count(e => e.Response is null);
            }
        }
    }

    public (Outcome Outcome, StoredResponse? Response) Begin(string key, string fingerprint)
    {
        var now = _options.TimeProvider.GetUtcNow();
        lock (_sync)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Response is not null && now - entry.CreatedAt >= _options.IdempotencyKeyLifetime)
            {
                _entries.Remove(key);
                entry = null;
            }

            if (entry is null)
            {
                _entries[key] = new Entry(fingerprint, now);
                return (Outcome.Proceed, null);
            }

            if (entry.Fingerprint != fingerprint)
            {
                return (Outcome.Mismatch, null);
            }

            return entry.Response is null ? (Outcome.InUse, null) : (Outcome.Replay, entry.Response);
        }
    }

    public void Complete(string key, StoredResponse response)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                entry.Response = response;
            }
        }
    }

    /// Forgets a key whose request never began executing, so a retry runs for real.
    public void Abandon(string key)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Response is null)
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed class Entry(string fingerprint, DateTimeOffset createdAt)
    {
        public string Fingerprint { get; } = fingerprint;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public StoredResponse? Response { get; set; }
    }
}

internal sealed record StoredResponse(int Status, string Body, string RequestId);
