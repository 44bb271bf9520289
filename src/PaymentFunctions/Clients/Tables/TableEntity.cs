using System.Collections;
using Azure;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// A table entity as a property bag, like Azure.Data.Tables.TableEntity. PartitionKey and RowKey live in
/// the bag; ETag and Timestamp are service metadata and are never sent. Supported value types: string,
/// int, long, double, bool, DateTimeOffset, DateTime (UTC or local), Guid, byte[] and BinaryData.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "Mirrors Azure.Data.Tables.TableEntity, the name other code is written against.")]
public sealed partial class TableEntity : IDictionary<string, object?>
{
    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    /// <summary>Creates an empty entity.</summary>
    public TableEntity()
    {
    }

    /// <summary>Creates an entity with its keys.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    /// <summary>The partition key (empty when not set or not selected).</summary>
    public string PartitionKey
    {
        get => GetString(TableConstants.PartitionKey) ?? string.Empty;
        set => _properties[TableConstants.PartitionKey] = value;
    }

    /// <summary>The row key (empty when not set or not selected).</summary>
    public string RowKey
    {
        get => GetString(TableConstants.RowKey) ?? string.Empty;
        set => _properties[TableConstants.RowKey] = value;
    }

    /// <summary>The ETag the service returned with this entity.</summary>
    public ETag ETag { get; set; }

    /// <summary>The service's last-modified time, when read from the service.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ICollection<string> Keys => _properties.Keys;

    /// <inheritdoc />
    public ICollection<object?> Values => _properties.Values;

    /// <inheritdoc />
    public int Count => _properties.Count;

    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public object? this[string key]
    {
        get => _properties.TryGetValue(key, out var value) ? value : null;
        set => _properties[key] = value;
    }

    /// <inheritdoc />
    public void Add(string key, object? value) => _properties.Add(key, value);

    /// <inheritdoc />
    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    /// <inheritdoc />
    public bool Remove(string key) => _properties.Remove(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out object? value) => _properties.TryGetValue(key, out value);

    /// <inheritdoc />
    public void Add(KeyValuePair<string, object?> item) => _properties.Add(item.Key, item.Value);

    /// <inheritdoc />
    public void Clear() => _properties.Clear();

    /// <inheritdoc />
    public bool Contains(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Contains(item);

    /// <inheritdoc />
    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public bool Remove(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Remove(item);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
