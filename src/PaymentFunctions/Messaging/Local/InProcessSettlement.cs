using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging.Local;

/// One message of the in-process transport (one MessageId within the duplicate-detection window) on its way
/// through the subscriptions of its topic: which outbox rows wait for it, and which subscriptions dead-lettered
/// it. Settled once every subscription has either succeeded or dead-lettered; a topic without subscribers is
/// settled from the start. The pending-outbox entries covering the rows are released with them. The transport remembers one of these per message for the whole duplicate-detection
/// window, so the collections are made only when needed and the rows are dropped once released.
public sealed class InProcessSettlement(DateTimeOffset firstSeen, int subscriptions)
{
    private readonly Lock _gate = new();
    private HashSet<OutboxRowKey>? _rows;
    private HashSet<PendingEntry>? _entries;
    private List<InProcessTransport.DeadLetter>? _deadLetters;
    private int _unsettled = subscriptions;

    public DateTimeOffset FirstSeen { get; } = firstSeen;

    public IReadOnlyList<InProcessTransport.DeadLetter> DeadLetters
    {
        get
        {
            lock (_gate)
            {
                return _deadLetters is null ? [] : [.. _deadLetters];
            }
        }
    }

    /// Keeps the row and its entry until the message is settled; false when it already is (the caller releases them then).
    public bool HoldUntilSettled(OutboxRowKey? row, PendingEntry? entry)
    {
        lock (_gate)
        {
            if (_unsettled == 0)
            {
                return false;
            }

            if (row is { } held)
            {
                (_rows ??= []).Add(held);
            }

            if (entry is not null)
            {
                (_entries ??= []).Add(entry);
            }

            return true;
        }
    }

    /// One subscription is done with the message. When it was the last: the rows and entries to release, and the dead letters.
    public (IReadOnlyList<OutboxRowKey> Rows, IReadOnlyList<PendingEntry> Entries, IReadOnlyList<InProcessTransport.DeadLetter> DeadLetters)? Settle(InProcessTransport.DeadLetter? deadLetter)
    {
        lock (_gate)
        {
            if (deadLetter is not null)
            {
                (_deadLetters ??= []).Add(deadLetter);
            }

            if (--_unsettled > 0)
            {
                return null;
            }

            List<OutboxRowKey> rows = _rows is null ? [] : [.. _rows];
            List<PendingEntry> entries = _entries is null ? [] : [.. _entries];
            _rows = null;
            _entries = null;
            return (rows, entries, _deadLetters is null ? [] : [.. _deadLetters]);
        }
    }
}
