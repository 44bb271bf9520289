using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Tests.Clients.Tables;

public sealed class TableQueryTests
{
    [Fact]
    public async Task PagingWithTopTwoOverFiveEntitiesFollowsContinuations()
    {
        var table = await TableTestSupport.NewTableAsync();
        for (var i = 0; i < 5; i++)
        {
            await table.AddEntityAsync(new TableEntity("p", $"r{i}") { ["I"] = i });
        }

        var pages = new List<TablePage>();
        TableContinuation? continuation = null;
        do
        {
            var page = await table.QueryPageAsync(TableOData.PartitionKeyEquals("p"), null, 2, continuation);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Entities.Count));
        Assert.Equal(["r0", "r1", "r2", "r3", "r4"], pages.SelectMany(p => p.Entities).Select(e => e.RowKey));
        Assert.NotNull(pages[0].Continuation);
        Assert.Null(pages[2].Continuation);
    }

    [Fact]
    public async Task QueryAsyncStreamsAllPagesWithFilterAndSelect()
    {
        var table = await TableTestSupport.NewTableAsync();
        for (var i = 0; i < 5; i++)
        {
            await table.AddEntityAsync(new TableEntity("p", $"r{i}") { ["I"] = i, ["Other"] = "x" });
        }

        await table.AddEntityAsync(new TableEntity("q", "r0") { ["I"] = 0 });

        var found = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync(TableOData.PartitionKeyEquals("p"), ["RowKey", "I"], maxPerPage: 2))
        {
            found.Add(entity);
        }

        Assert.Equal([0, 1, 2, 3, 4], found.Select(e => e.GetInt32("I")!.Value));
        Assert.All(found, e => Assert.False(e.ContainsKey("Other")));
    }

    [Fact]
    public async Task FiltersQuoteValuesAndMatchPrefixes()
    {
        var table = await TableTestSupport.NewTableAsync();
        await table.AddEntityAsync(new TableEntity("o'brien", "outbox-1"));
        await table.AddEntityAsync(new TableEntity("o'brien", "outbox-2"));
        await table.AddEntityAsync(new TableEntity("o'brien", "inbox-1"));
        await table.AddEntityAsync(new TableEntity("o'brien", "outboy"));

        var filter = TableOData.And(TableOData.PartitionKeyEquals("o'brien"), TableOData.RowKeyStartsWith("outbox-"));
        var found = new List<string>();
        await foreach (var entity in table.QueryAsync(filter))
        {
            found.Add(entity.RowKey);
        }

        Assert.Equal(["outbox-1", "outbox-2"], found);
    }

    [Fact]
    public void QuoteDoublesSingleQuotes() =>
        Assert.Equal("PartitionKey eq 'a''b'' or ''1''=''1'", TableOData.PartitionKeyEquals("a'b' or '1'='1"));

    [Fact]
    public async Task QueryingAMissingTableReturnsNothing()
    {
        var azurite = await Infrastructure.AzuriteServer.Shared;
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(TableTestSupport.UniqueTableName());

        var page = await table.QueryPageAsync(null, null, null, null);

        Assert.Empty(page.Entities);
        Assert.Null(page.Continuation);
    }
}
