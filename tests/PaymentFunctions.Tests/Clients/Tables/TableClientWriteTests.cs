using Azure;
using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Tests.Clients.Tables;

public sealed class TableClientWriteTests
{
    [Fact]
    public async Task AddingTheSameKeysTwiceReturnsAlreadyExistsAndKeepsTheFirstEntity()
    {
        var table = await TableTestSupport.NewTableAsync();
        var first = await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });

        var second = await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 2 });

        Assert.Equal(TableWriteOutcome.Succeeded, first.Outcome);
        Assert.NotEqual(default, first.ETag);
        Assert.Equal(TableWriteOutcome.AlreadyExists, second.Outcome);
        Assert.False(second.Succeeded);
        Assert.Equal(1, (await table.GetEntityAsync("p", "r"))!.GetInt32("V"));
    }

    [Fact]
    public async Task CreatingAnExistingTableSucceeds()
    {
        var table = await TableTestSupport.NewTableAsync();

        await table.CreateIfNotExistsAsync();

        Assert.True((await table.AddEntityAsync(new TableEntity("p", "r"))).Succeeded);
    }

    [Fact]
    public async Task GettingAMissingEntityReturnsNull()
    {
        var table = await TableTestSupport.NewTableAsync();

        Assert.Null(await table.GetEntityAsync("p", "missing"));
    }

    [Fact]
    public async Task UpdateWithStaleETagReturnsPreconditionFailedAndChangesNothing()
    {
        var table = await TableTestSupport.NewTableAsync();
        var added = await table.AddEntityAsync(new TableEntity("p", "r") { ["State"] = "PENDING" });
        var won = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["State"] = "CONFIRMED" }, added.ETag, TableUpdateMode.Merge);

        var lost = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["State"] = "CANCELLED" }, added.ETag, TableUpdateMode.Merge);

        Assert.Equal(TableWriteOutcome.Succeeded, won.Outcome);
        Assert.NotEqual(added.ETag, won.ETag);
        Assert.Equal(TableWriteOutcome.PreconditionFailed, lost.Outcome);
        Assert.Equal("CONFIRMED", (await table.GetEntityAsync("p", "r"))!.GetString("State"));
    }

    [Fact]
    public async Task UpdatingAMissingEntityReturnsNotFound()
    {
        var table = await TableTestSupport.NewTableAsync();

        var result = await table.UpdateEntityAsync(new TableEntity("p", "nope") { ["V"] = 1 }, ETag.All, TableUpdateMode.Replace);

        Assert.Equal(TableWriteOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task MergeKeepsOtherPropertiesWhileReplaceDropsThem()
    {
        var table = await TableTestSupport.NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "m") { ["A"] = 1, ["B"] = 2 });
        await table.AddEntityAsync(new TableEntity("p", "x") { ["A"] = 1, ["B"] = 2 });

        await table.UpsertEntityAsync(new TableEntity("p", "m") { ["A"] = 10 }, TableUpdateMode.Merge);
        await table.UpsertEntityAsync(new TableEntity("p", "x") { ["A"] = 10 }, TableUpdateMode.Replace);

        var merged = (await table.GetEntityAsync("p", "m"))!;
        var replaced = (await table.GetEntityAsync("p", "x"))!;
        Assert.Equal((10, 2), (merged.GetInt32("A"), merged.GetInt32("B")));
        Assert.Equal(10, replaced.GetInt32("A"));
        Assert.False(replaced.ContainsKey("B"));
    }

    [Fact]
    public async Task UpsertCreatesAMissingEntity()
    {
        var table = await TableTestSupport.NewTableAsync();

        var result = await table.UpsertEntityAsync(new TableEntity("p", "new") { ["V"] = "x" }, TableUpdateMode.Merge);

        Assert.True(result.Succeeded);
        Assert.Equal("x", (await table.GetEntityAsync("p", "new"))!.GetString("V"));
    }

    [Fact]
    public async Task DeleteHonoursETagAndReportsMissingEntities()
    {
        var table = await TableTestSupport.NewTableAsync();
        var added = await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["V"] = 2 }, TableUpdateMode.Merge);

        var stale = await table.DeleteEntityAsync("p", "r", added.ETag);
        var any = await table.DeleteEntityAsync("p", "r");
        var again = await table.DeleteEntityAsync("p", "r");

        Assert.Equal(TableWriteOutcome.PreconditionFailed, stale.Outcome);
        Assert.Equal(TableWriteOutcome.Succeeded, any.Outcome);
        Assert.Equal(TableWriteOutcome.NotFound, again.Outcome);
        Assert.Null(await table.GetEntityAsync("p", "r"));
    }

    [Fact]
    public async Task SelectReturnsOnlyTheNamedProperties()
    {
        var table = await TableTestSupport.NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = 2 });

        var entity = (await table.GetEntityAsync("p", "r", ["A"]))!;

        Assert.Equal(1, entity.GetInt32("A"));
        Assert.False(entity.ContainsKey("B"));
    }

    [Fact]
    public async Task AddingToAMissingTableReturnsNotFound()
    {
        var azurite = await Infrastructure.AzuriteServer.Shared;
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(TableTestSupport.UniqueTableName());

        // 404 TableNotFound on insert means the table is missing, not the entity: reported as NotFound.
        var result = await table.AddEntityAsync(new TableEntity("p", "r"));

        Assert.Equal(TableWriteOutcome.NotFound, result.Outcome);
    }
}
