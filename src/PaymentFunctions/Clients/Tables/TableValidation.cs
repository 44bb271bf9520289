namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// Refuses, before anything is sent, what the service would reject or - worse - what Azurite accepts
/// and Azure rejects, so local tests cannot pass on data production will refuse.
/// </summary>
internal static class TableValidation
{
    public static void ValidateTableName(string tableName)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);

        // Table names: 3-63 alphanumeric characters, not starting with a digit.
        if (tableName.Length is < 3 or > 63 || !char.IsAsciiLetter(tableName[0]) || !tableName.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{tableName}' is not a valid table name (3-63 letters or digits, starting with a letter).", nameof(tableName));
        }
    }

    public static void ValidateKey(string? key, string keyName)
    {
        if (key is null)
        {
            throw new ArgumentException($"{keyName} is required.", keyName);
        }

        if (key.Length * 2 > TableConstants.MaxKeyBytes)
        {
            throw new ArgumentException($"{keyName} is longer than 1 KiB ({TableConstants.MaxKeyBytes / 2} UTF-16 characters).", keyName);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException($"{keyName} contains a character the Table service does not allow in keys ('/', '\\', '#', '?' or a control character).", keyName);
            }
        }
    }

    public static void ValidateEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKey(entity[TableConstants.PartitionKey] as string, TableConstants.PartitionKey);
        ValidateKey(entity[TableConstants.RowKey] as string, TableConstants.RowKey);

        var custom = 0;
        // Size as the service counts it: 4 bytes + keys in UTF-16 + per property 8 bytes, name and value.
        long size = 4 + ((entity.PartitionKey.Length + entity.RowKey.Length) * 2L);
        foreach (var (name, value) in entity)
        {
            if (name is TableConstants.PartitionKey or TableConstants.RowKey)
            {
                continue;
            }

            custom++;
            ValidatePropertyName(name);
            size += 8 + (name.Length * 2L) + ValueSize(name, value);
        }

        if (custom > TableConstants.MaxCustomProperties)
        {
            throw new ArgumentException($"The entity has {custom} properties; the Table service allows {TableConstants.MaxCustomProperties} besides the keys.", nameof(entity));
        }

        if (size > TableConstants.MaxEntityBytes)
        {
            throw new ArgumentException($"The entity is about {size} bytes; the Table service allows 1 MiB.", nameof(entity));
        }
    }

    private static void ValidatePropertyName(string name)
    {
        if (name.Length is 0 or > TableConstants.MaxPropertyNameLength)
        {
            throw new ArgumentException($"Property names must have 1-{TableConstants.MaxPropertyNameLength} characters.", nameof(name));
        }

        if (name == TableConstants.Timestamp || name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Property name '{name}' is reserved by the Table service or OData.", nameof(name));
        }
    }

    private static long ValueSize(string name, object? value)
    {
        var size = value switch
        {
            null => 0L,
            string s => 4 + (s.Length * 2L),
            int => 4,
            bool => 1,
            long or double or DateTimeOffset or DateTime => 8,
            Guid => 16,
            byte[] b => 4 + (long)b.Length,
            BinaryData d => 4 + (long)d.ToMemory().Length,
            _ => throw new ArgumentException($"Property '{name}' has type {value.GetType().Name}, which the Table service cannot store.", nameof(value)),
        };

        if (value is DateTime { Kind: DateTimeKind.Unspecified })
        {
            throw new ArgumentException($"Property '{name}' is a DateTime of unspecified kind; use DateTimeKind.Utc or a DateTimeOffset.", nameof(value));
        }

        // Azure answers 400 OutOfRangeInput for dates before 1601 (Azurite stores them), e.g. default(DateTimeOffset).
        if (value is DateTimeOffset { UtcDateTime.Year: < 1601 } or DateTime { Year: < 1601 })
        {
            throw new ArgumentException($"Property '{name}' is a date before 1601-01-01, which the Table service cannot store.", nameof(value));
        }

        if (size - 4 > TableConstants.MaxValueBytes)
        {
            throw new ArgumentException($"Property '{name}' is larger than the Table service's 64 KiB per value.", nameof(value));
        }

        return size;
    }
}
