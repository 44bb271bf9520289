using System.Collections;
using System.Collections.Concurrent;

namespace PaymentFunctions.Messaging.Local;

/// The newest items, up to a capacity, for inspection in development and tests: a long local session (or a load
/// test) would otherwise keep every message it ever published in memory.
public sealed class RecentCollection<T>(int capacity) : IReadOnlyCollection<T>
{
    private readonly ConcurrentQueue<T> _items = new();

    public int Count => _items.Count;

    public void Add(T item)
    {
        _items.Enqueue(item);
        while (_items.Count > capacity && _items.TryDequeue(out _))
        {
        }
    }

    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
