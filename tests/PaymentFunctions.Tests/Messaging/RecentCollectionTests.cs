using PaymentFunctions.Messaging.Local;

namespace PaymentFunctions.Tests.Messaging;

/// The in-process transport's record of what it published stays at its capacity, newest last, however long it runs.
public sealed class RecentCollectionTests
{
    [Fact]
    public void KeepsTheNewestItemsUpToItsCapacityInOrder()
    {
        var recent = new RecentCollection<int>(3);

        foreach (var item in Enumerable.Range(1, 10))
        {
            recent.Add(item);
        }

        Assert.Equal([8, 9, 10], recent);
        Assert.Equal(3, recent.Count);
    }
}
