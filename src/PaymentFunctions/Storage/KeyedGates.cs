namespace PaymentFunctions.Storage;

/// Callers in one instance that work on the same partition take turns instead of racing to its ETag (16 events for one
/// booking at once starve one of them past the commit's retry bound). Striped, so nothing per key is created or cleaned
/// up, and therefore unrelated keys may share a turn: hold one only around storage work, never across a call to Stripe
/// or anything else slow, or unrelated bookings queue behind it. Across instances the ETags keep the outcome right.
/// Each user holds its own instance: a caller holding a turn of one may take a turn of another, never of its own.
public sealed class KeyedGates(int gates = 64)
{
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, gates).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<T> RunAsync<T>(string key, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(work);
        var gate = _gates[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_gates.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            gate.Release();
        }
    }
}
