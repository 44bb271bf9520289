using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Tests.Clients.Tables;

public sealed class TableEntityRoundTripTests
{
    public static TheoryData<string, object, Func<TableEntity, object?>> Values => new()
    {
        { "string", "plain", e => e.GetString("V") },
        { "empty string", "", e => e.GetString("V") },
        { "unicode string", "Zürich €5 ✓ 日本 😀 'quoted'", e => e.GetString("V") },
        { "int", 42, e => e.GetInt32("V") },
        { "int min", int.MinValue, e => e.GetInt32("V") },
        { "long max", long.MaxValue, e => e.GetInt64("V") },
        { "long min", long.MinValue, e => e.GetInt64("V") },
        { "negative long", -9_007_199_254_740_993L, e => e.GetInt64("V") },
        { "small long stays long", 5L, e => e.GetInt64("V") },
        { "double", 3.14159, e => e.GetDouble("V") },
        { "integral double stays double", 2.0, e => e.GetDouble("V") },
        { "negative double", -1e-300, e => e.GetDouble("V") },
        { "true", true, e => e.GetBoolean("V") },
        { "false", false, e => e.GetBoolean("V") },
        { "guid", Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), e => e.GetGuid("V") },
        { "date with 7 fraction digits", new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567), e => e.GetDateTimeOffset("V") },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task ValueRoundTripsThroughAzuriteWithItsClrType(string label, object value, Func<TableEntity, object?> read)
    {
        var table = await TableTestSupport.NewTableAsync();
        var entity = new TableEntity("p", "r") { ["V"] = value };
        Assert.True((await table.AddEntityAsync(entity)).Succeeded, label);

        var stored = await table.GetEntityAsync("p", "r");

        Assert.NotNull(stored);
        Assert.Equal(value.GetType(), stored["V"]!.GetType());
        Assert.Equal(value, read(stored));
    }

    [Fact]
    public async Task DateWithOffsetAndUtcDateTimeComeBackAsTheSameInstantInUtc()
    {
        var table = await TableTestSupport.NewTableAsync();
        var withOffset = new DateTimeOffset(2026, 1, 2, 10, 0, 0, TimeSpan.FromHours(2));
        var utc = new DateTime(2026, 1, 2, 8, 0, 0, DateTimeKind.Utc);
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Offset"] = withOffset, ["Utc"] = utc });

        var stored = (await table.GetEntityAsync("p", "r"))!;

        Assert.Equal(withOffset, stored.GetDateTimeOffset("Offset"));
        Assert.Equal(TimeSpan.Zero, stored.GetDateTimeOffset("Offset")!.Value.Offset);
        Assert.Equal(new DateTimeOffset(utc), stored.GetDateTimeOffset("Utc"));
    }

    [Fact]
    public async Task BinaryAndBinaryDataComeBackAsBytes()
    {
        var table = await TableTestSupport.NewTableAsync();
        byte[] bytes = [0, 1, 2, 254, 255];
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Bytes"] = bytes, ["Data"] = BinaryData.FromString("hello"), ["Empty"] = Array.Empty<byte>() });

        var stored = (await table.GetEntityAsync("p", "r"))!;

        Assert.Equal(bytes, stored.GetBinary("Bytes"));
        Assert.Equal("hello"u8.ToArray(), stored.GetBinary("Data"));
        Assert.Empty(stored.GetBinary("Empty")!);
    }

    [Fact]
    public async Task ReadEntityCarriesKeysETagAndTimestamp()
    {
        var table = await TableTestSupport.NewTableAsync();
        var added = await table.AddEntityAsync(new TableEntity("pk 'ü'", "rk 1") { ["N"] = 1 });

        var stored = (await table.GetEntityAsync("pk 'ü'", "rk 1"))!;

        Assert.Equal("pk 'ü'", stored.PartitionKey);
        Assert.Equal("rk 1", stored.RowKey);
        Assert.Equal(added.ETag, stored.ETag);
        Assert.NotNull(stored.Timestamp);
        Assert.False(stored.ContainsKey("Timestamp"));
    }

    [Fact]
    public void GetterOfTheWrongTypeThrowsNamingTheProperty()
    {
        var entity = new TableEntity("p", "r") { ["Amount"] = "12" };

        var error = Assert.Throws<InvalidOperationException>(() => entity.GetInt64("Amount"));

        Assert.Contains("Amount", error.Message);
        Assert.Null(entity.GetInt64("Missing"));
    }
}
