namespace PaymentFunctions.Payments;

/// Callers in one instance that work on the same key (a booking, a user) take turns instead of racing each other
/// to Stripe with the same idempotency key (which answers 409 while the first call runs). Striped, so nothing per
/// key is created or cleaned up; across instances the Stripe keys and the table ETags keep the outcome right.
public sealed class KeyedGates
{
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

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
