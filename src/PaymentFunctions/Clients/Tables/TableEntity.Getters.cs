namespace PaymentFunctions.Clients.Tables;

public sealed partial class TableEntity
{
    /// <summary>The string value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public string? GetString(string key) => Get<string>(key);

    /// <summary>The int value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public int? GetInt32(string key) => this[key] switch
    {
        null => null,
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        var other => throw WrongType(key, other, "Int32"),
    };

    /// <summary>The long value of <paramref name="key"/> (an int widens), or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public long? GetInt64(string key) => this[key] switch
    {
        null => null,
        long l => l,
        int i => i,
        var other => throw WrongType(key, other, "Int64"),
    };

    /// <summary>The double value of <paramref name="key"/> (an int or long widens), or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public double? GetDouble(string key) => this[key] switch
    {
        null => null,
        double d => d,
        int i => i,
        long l => l,
        var other => throw WrongType(key, other, "Double"),
    };

    /// <summary>The bool value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public bool? GetBoolean(string key) => this[key] switch
    {
        null => null,
        bool b => b,
        var other => throw WrongType(key, other, "Boolean"),
    };

    /// <summary>The date value of <paramref name="key"/> (a DateTime converts), or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public DateTimeOffset? GetDateTimeOffset(string key) => this[key] switch
    {
        null => null,
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime()),
        var other => throw WrongType(key, other, "DateTimeOffset"),
    };

    /// <summary>The Guid value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public Guid? GetGuid(string key) => this[key] switch
    {
        null => null,
        Guid g => g,
        var other => throw WrongType(key, other, "Guid"),
    };

    /// <summary>The binary value of <paramref name="key"/> (BinaryData converts), or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public byte[]? GetBinary(string key) => this[key] switch
    {
        null => null,
        byte[] b => b,
        BinaryData b => b.ToArray(),
        var other => throw WrongType(key, other, "Binary"),
    };

    private T? Get<T>(string key)
        where T : class => this[key] switch
        {
            null => null,
            T value => value,
            var other => throw WrongType(key, other, typeof(T).Name),
        };

    private static InvalidOperationException WrongType(string key, object value, string wanted) =>
        new($"Property '{key}' holds a {value.GetType().Name}, not a {wanted}.");
}
