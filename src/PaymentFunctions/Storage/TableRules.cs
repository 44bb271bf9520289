using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// What Azure Table Storage refuses but Azurite accepts, refused here before anything is sent, so a test that
/// passes locally cannot write data production will reject: transactions spanning partitions (Azurite#1215),
/// dates before 1601 (e.g. an unset default(DateTimeOffset)), keys with characters Azure forbids.
public static class TableRules
{
    /// An entity group transaction holds at most 100 actions, all in one partition of one table.
    public const int MaxTransactionActions = 100;

    private const int MaxKeyChars = 512; // 1 KiB of UTF-16
    private const int MaxStringChars = 32 * 1024; // 64 KiB of UTF-16 per property value
    private static readonly DateTime EarliestDate = new(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static void CheckTransaction(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count is 0 or > MaxTransactionActions)
        {
            throw new ArgumentException($"A transaction holds 1-{MaxTransactionActions} actions; this one has {actions.Count}.", nameof(actions));
        }

        var partitionKey = actions[0].Entity.PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            if (!string.Equals(action.Entity.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A transaction must stay in one partition; it spans '{partitionKey}' and '{action.Entity.PartitionKey}' (Azure refuses that, Azurite does not).", nameof(actions));
            }

            if (!rowKeys.Add(action.Entity.RowKey))
            {
                throw new ArgumentException($"A transaction may touch row '{action.Entity.RowKey}' only once.", nameof(actions));
            }

            CheckEntity(action.Entity);
        }
    }

    /// Checks keys and values; drops null values, which the service does not store (leaving them out is what it would do).
    public static void CheckEntity(ITableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        CheckKey(entity.PartitionKey, nameof(entity.PartitionKey));
        CheckKey(entity.RowKey, nameof(entity.RowKey));
        if (entity is not TableEntity properties)
        {
            return;
        }

        foreach (var name in properties.Keys.ToList())
        {
            switch (properties[name])
            {
                case null:
                    properties.Remove(name);
                    break;
                case DateTime { Kind: DateTimeKind.Unspecified }:
                    throw new ArgumentException($"Property '{name}' is a DateTime of unspecified kind; use UTC or a DateTimeOffset.", nameof(entity));
                case DateTime d when d.ToUniversalTime() < EarliestDate:
                case DateTimeOffset o when o.UtcDateTime < EarliestDate:
                    throw new ArgumentException($"Property '{name}' is a date before 1601-01-01, which Azure Table Storage refuses (Azurite stores it).", nameof(entity));
                case string s when s.Length > MaxStringChars:
                    throw new ArgumentException($"Property '{name}' is longer than the 64 KiB a table property holds.", nameof(entity));
            }
        }
    }

    private static void CheckKey(string? key, string keyName)
    {
        if (key is null)
        {
            throw new ArgumentException($"{keyName} is required.", keyName);
        }

        if (key.Length > MaxKeyChars)
        {
            throw new ArgumentException($"{keyName} is longer than 1 KiB.", keyName);
        }

        if (key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            throw new ArgumentException($"{keyName} contains a character Azure Table Storage does not allow in keys ('/', '\\', '#', '?' or a control character); build keys with RowKeys.", keyName);
        }
    }
}
