using System.Net;
using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Tests.Clients.Tables;

public sealed class TableRetryAndValidationTests
{
    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task AddIsRetriedAfterATransientStatus(HttpStatusCode status)
    {
        var handler = new RecordingHandler();
        var table = await TableTestSupport.NewTableAsync(handler);
        handler.AnswerNext(2, status);

        var result = await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });

        Assert.True(result.Succeeded);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Post, r.Method));
        // Each attempt is signed afresh; Azurite accepted the third, so its signature matched.
        Assert.Equal(1, (await table.GetEntityAsync("p", "r"))!.GetInt32("V"));
    }

    [Fact]
    public async Task BatchIsRetriedAfterServiceUnavailable()
    {
        var handler = new RecordingHandler();
        var table = await TableTestSupport.NewTableAsync(handler);
        handler.AnswerNext(1, HttpStatusCode.ServiceUnavailable);

        var result = await table.SubmitTransactionAsync([new(TableTransactionActionType.Add, new TableEntity("p", "a")), new(TableTransactionActionType.Add, new TableEntity("p", "b"))]);

        Assert.True(result.Succeeded);
        Assert.Equal(2, handler.Requests.Count);
        Assert.EndsWith("/$batch", handler.Requests[1].Uri.AbsolutePath);
    }

    [Fact]
    public async Task PersistentServerErrorThrowsRequestFailedAfterRetries()
    {
        var handler = new RecordingHandler();
        var table = await TableTestSupport.NewTableAsync(handler);
        handler.AnswerNext(100, HttpStatusCode.BadGateway);

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => table.GetEntityAsync("p", "r"));

        Assert.Equal(502, error.Status);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    public async Task InvalidKeyCharactersAreRefusedBeforeSending(string key)
    {
        var handler = new RecordingHandler();
        var table = await TableTestSupport.NewTableAsync(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity("p", key)));
        await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity(key, "r")));
        await Assert.ThrowsAsync<ArgumentException>(() => table.GetEntityAsync("p", key));
        await Assert.ThrowsAsync<ArgumentException>(() => table.DeleteEntityAsync(key, "r"));

        Assert.Empty(handler.Requests);
    }

    public static TheoryData<string, TableEntity> OversizedEntities => new()
    {
        { "key over 1 KiB", new TableEntity("p", new string('k', 513)) },
        { "string over 64 KiB", new TableEntity("p", "r") { ["S"] = new string('s', 32 * 1024 + 1) } },
        { "binary over 64 KiB", new TableEntity("p", "r") { ["B"] = new byte[64 * 1024 + 1] } },
        { "too many properties", ManyProperties(253) },
        { "entity over 1 MiB", LargeEntity() },
        { "unsupported type", new TableEntity("p", "r") { ["D"] = 1.5m } },
        { "unspecified DateTime", new TableEntity("p", "r") { ["T"] = new DateTime(2026, 1, 1) } },
        { "date before 1601 (Azure refuses, Azurite stores)", new TableEntity("p", "r") { ["T"] = default(DateTimeOffset) } },
        { "UTC DateTime before 1601", new TableEntity("p", "r") { ["T"] = new DateTime(1600, 12, 31, 0, 0, 0, DateTimeKind.Utc) } },
        { "reserved name", new TableEntity("p", "r") { ["Timestamp"] = DateTimeOffset.UtcNow } },
        { "missing row key", new TableEntity { PartitionKey = "p" } },
    };

    [Theory]
    [MemberData(nameof(OversizedEntities))]
    public async Task EntitiesBreakingServiceLimitsAreRefusedBeforeSending(string label, TableEntity entity)
    {
        var handler = new RecordingHandler();
        var table = await TableTestSupport.NewTableAsync(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertEntityAsync(entity, TableUpdateMode.Replace));

        Assert.True(handler.Requests.Count == 0, label);
    }

    [Fact]
    public async Task KeysAtTheLimitAreStored()
    {
        var table = await TableTestSupport.NewTableAsync();
        var rowKey = new string('k', 512);

        Assert.True((await table.AddEntityAsync(new TableEntity("p", rowKey))).Succeeded);
        Assert.NotNull(await table.GetEntityAsync("p", rowKey));
    }

    [Fact]
    public void InvalidTableNamesAreRefused()
    {
        var service = new TableServiceClient("UseDevelopmentStorage=true");

        Assert.Throws<ArgumentException>(() => service.GetTableClient("ab"));
        Assert.Throws<ArgumentException>(() => service.GetTableClient("1table"));
        Assert.Throws<ArgumentException>(() => service.GetTableClient("my-table"));
        Assert.Equal("Payments1", service.GetTableClient("Payments1").Name);
    }

    private static TableEntity ManyProperties(int count)
    {
        var entity = new TableEntity("p", "r");
        for (var i = 0; i < count; i++)
        {
            entity[$"P{i}"] = i;
        }

        return entity;
    }

    private static TableEntity LargeEntity()
    {
        var entity = new TableEntity("p", "r");
        for (var i = 0; i < 17; i++)
        {
            entity[$"B{i}"] = new byte[64 * 1024];
        }

        return entity;
    }
}
