using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// Query filters over our key formats, quoted by the SDK's <see cref="TableClient.CreateQueryFilter(FormattableString)"/>.
/// Only "starts with" is ours: the Table service has no startswith, so it is the range [prefix, next prefix).
public static class KeyFilters
{
    public static string InPartition(string partitionKey) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");

    public static string InPartitionStartingWith(string partitionKey, string rowKeyPrefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {rowKeyPrefix} and RowKey lt {After(rowKeyPrefix)}");

    /// Rows of one partition that start with <paramref name="rowKeyPrefix"/> but not with <paramref name="excludedPrefix"/>
    /// (which starts with the first): the two key ranges around it.
    public static string InPartitionStartingWithExcept(string partitionKey, string rowKeyPrefix, string excludedPrefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and ((RowKey ge {rowKeyPrefix} and RowKey lt {excludedPrefix}) or (RowKey ge {After(excludedPrefix)} and RowKey lt {After(rowKeyPrefix)}))");

    public static string RowKeyStartingWith(string rowKeyPrefix) =>
        TableClient.CreateQueryFilter($"RowKey ge {rowKeyPrefix} and RowKey lt {After(rowKeyPrefix)}");

    /// Partitions whose key starts with <paramref name="prefix"/>: one key range.
    public static string PartitionsStartingWith(string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {After(prefix)}");

    /// Partitions whose key starts with <paramref name="prefix"/> and sorts before <paramref name="before"/>: one key
    /// range, so the service reads those partitions only, never the rest of the table.
    public static string PartitionsStartingWithBefore(string prefix, string before) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {before}");

    /// Rows of one partition that are one of <paramref name="rowKeys"/> or start with one of <paramref name="rowKeyPrefixes"/>:
    /// several point reads and ranges in one round trip.
    public static string InPartitionRowsOrStartingWith(string partitionKey, IEnumerable<string> rowKeys, params string[] rowKeyPrefixes)
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        ArgumentNullException.ThrowIfNull(rowKeyPrefixes);
        var rows = rowKeys.Select(rowKey => TableClient.CreateQueryFilter($"RowKey eq {rowKey}"))
            .Concat(rowKeyPrefixes.Select(prefix => TableClient.CreateQueryFilter($"(RowKey ge {prefix} and RowKey lt {After(prefix)})")));
        return TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}") + " and (" + string.Join(" or ", rows) + ")";
    }

    /// Partitions from <paramref name="low"/> up to and including <paramref name="high"/> (fixed-width keys sort like their values).
    public static string PartitionsBetween(string low, string high) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey le {high}");

    /// The smallest string greater than every string with this prefix: the last char bumped. Our prefixes end in '|'.
    private static string After(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return prefix[^1] == char.MaxValue
            ? throw new ArgumentException("A key prefix may not end in U+FFFF.", nameof(prefix))
            : prefix[..^1] + (char)(prefix[^1] + 1);
    }
}
