using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Tests.Storage;

/// What Azure refuses and Azurite accepts is refused by the storage layer before anything is sent.
public sealed class TableRulesTests
{
    [Fact]
    public async Task ATransactionSpanningPartitionsIsRefusedBeforeAnythingIsSent()
    {
        var tables = await StorageTables.CreateAsync();
        TableTransactionAction[] actions = [Add("bk_one", "inbox|a"), Add("bk_two", "inbox|a")];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => tables.Table.SubmitCheckedAsync(actions, CancellationToken.None));

        Assert.Equal("actions", error.ParamName);
        Assert.Contains("one partition", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, tables.Sent);
        Assert.Empty(await tables.RowsAsync("bk_one"));
    }

    public static TheoryData<string, TableTransactionAction[]> RefusedTransactions => new()
    {
        { "empty", [] },
        { "101 actions", [.. Enumerable.Range(0, 101).Select(i => Add("p", $"r{i}"))] },
        { "same row twice", [Add("p", "r"), new(TableTransactionActionType.Delete, new TableEntity("p", "r"))] },
        { "a date before 1601", [Add("p", "r", default(DateTimeOffset))] },
        { "a key Azure forbids", [Add("p", "a/b")] },
    };

    [Theory]
    [MemberData(nameof(RefusedTransactions))]
    public async Task ATransactionAzureWouldRefuseIsRefusedBeforeSending(string label, TableTransactionAction[] actions)
    {
        var tables = await StorageTables.CreateAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => tables.Table.SubmitCheckedAsync(actions, CancellationToken.None));

        Assert.True(tables.Sent == 0, label);
    }

    [Fact]
    public async Task HundredActionsInOnePartitionAreAccepted()
    {
        var tables = await StorageTables.CreateAsync();

        await tables.Table.SubmitCheckedAsync([.. Enumerable.Range(0, 100).Select(i => Add("p", $"r{i:D3}"))], CancellationToken.None);

        Assert.Equal(100, (await tables.RowsAsync("p")).Count);
    }

    public static TheoryData<string, object> RefusedValues => new()
    {
        { "default(DateTimeOffset)", default(DateTimeOffset) },
        { "UTC DateTime before 1601", new DateTime(1600, 12, 31, 0, 0, 0, DateTimeKind.Utc) },
        { "DateTime of unspecified kind", new DateTime(2026, 1, 1) },
        { "string over 64 KiB", new string('s', (32 * 1024) + 1) },
    };

    [Theory]
    [MemberData(nameof(RefusedValues))]
    public async Task AValueAzureRefusesIsRefusedForSingleWritesToo(string label, object value)
    {
        var tables = await StorageTables.CreateAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => tables.Table.AddCheckedAsync(new TableEntity("p", "r") { ["V"] = value }, CancellationToken.None));

        Assert.Contains("'V'", error.Message, StringComparison.Ordinal);
        Assert.True(tables.Sent == 0, label);
    }

    [Fact]
    public async Task TheEarliestDateAzureStoresAndNullValuesAreWrittenNullsLeftOut()
    {
        var tables = await StorageTables.CreateAsync();
        var earliest = new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

        await tables.Table.UpsertCheckedAsync(new TableEntity("p", "r") { ["At"] = earliest, ["Gone"] = null }, TableUpdateMode.Replace, CancellationToken.None);

        var stored = await tables.Table.FindAsync("p", "r", CancellationToken.None);
        Assert.Equal(earliest, stored!.GetDateTimeOffset("At"));
        Assert.False(stored.ContainsKey("Gone"));
    }

    private static TableTransactionAction Add(string partitionKey, string rowKey, object? value = null) =>
        new(TableTransactionActionType.Add, new TableEntity(partitionKey, rowKey) { ["V"] = value ?? "x" });
}
