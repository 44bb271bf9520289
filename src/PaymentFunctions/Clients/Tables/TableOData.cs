namespace PaymentFunctions.Clients.Tables;

/// <summary>Builds OData filter fragments with values quoted safely.</summary>
public static class TableOData
{
    /// <summary>Quotes a string literal for a filter, doubling single quotes.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary><c>PartitionKey eq '...'</c>.</summary>
    public static string PartitionKeyEquals(string partitionKey) => "PartitionKey eq " + Quote(partitionKey);

    /// <summary><c>RowKey eq '...'</c>.</summary>
    public static string RowKeyEquals(string rowKey) => "RowKey eq " + Quote(rowKey);

    /// <summary>
    /// Row keys starting with <paramref name="prefix"/>, as the range <c>RowKey ge prefix and RowKey lt next</c>
    /// because the Table service has no startswith.
    /// </summary>
    public static string RowKeyStartsWith(string prefix) => StartsWith("RowKey", prefix);

    /// <summary>Partition keys starting with <paramref name="prefix"/> (a range, like <see cref="RowKeyStartsWith"/>).</summary>
    public static string PartitionKeyStartsWith(string prefix) => StartsWith("PartitionKey", prefix);

    /// <summary>Joins two filters with <c>and</c>.</summary>
    public static string And(string left, string right) => $"({left}) and ({right})";

    private static string StartsWith(string property, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);

        // The smallest string greater than every string with this prefix: bump the last char.
        // A last char of U+FFFF cannot be bumped, so drop it and bump the one before.
        var end = prefix.TrimEnd('\uffff');
        if (end.Length == 0)
        {
            return $"{property} ge {Quote(prefix)}";
        }

        var upper = end[..^1] + (char)(end[^1] + 1);
        return $"{property} ge {Quote(prefix)} and {property} lt {Quote(upper)}";
    }
}
