using Azure;
using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Tests.Clients.Tables;

public sealed class TableTransactionTests
{
    private static TableTransactionAction Add(string pk, string rk, int value = 0) =>
        new(TableTransactionActionType.Add, new TableEntity(pk, rk) { ["V"] = value });

    [Fact]
    public async Task SuccessfulTransactionStoresEveryActionAndReturnsTheirETags()
    {
        var table = await TableTestSupport.NewTableAsync();
        var existing = await table.AddEntityAsync(new TableEntity("b1", "state") { ["S"] = "PENDING", ["Keep"] = 1 });
        await table.AddEntityAsync(new TableEntity("b1", "gone"));
        await table.AddEntityAsync(new TableEntity("b1", "replace") { ["Old"] = 1 });

        var result = await table.SubmitTransactionAsync(
        [
            Add("b1", "inbox-evt1"),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("b1", "state") { ["S"] = "CONFIRMED" }, existing.ETag),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("b1", "replace") { ["New"] = 2L }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("b1", "outbox-1") { ["Body"] = "{}" }),
            new(TableTransactionActionType.Delete, new TableEntity("b1", "gone")),
        ]);

        Assert.True(result.Succeeded);
        Assert.Null(result.FailedOutcome);
        Assert.Equal(5, result.ETags.Count);
        Assert.All(result.ETags.Take(4), etag => Assert.NotEqual(default, etag));
        Assert.Equal(default, result.ETags[4]);
        var state = (await table.GetEntityAsync("b1", "state"))!;
        Assert.Equal(("CONFIRMED", 1), (state.GetString("S"), state.GetInt32("Keep")));
        Assert.Equal(result.ETags[1], state.ETag);
        var replaced = (await table.GetEntityAsync("b1", "replace"))!;
        Assert.Equal(2L, replaced.GetInt64("New"));
        Assert.False(replaced.ContainsKey("Old"));
        Assert.NotNull(await table.GetEntityAsync("b1", "outbox-1"));
        Assert.Null(await table.GetEntityAsync("b1", "gone"));
    }

    [Fact]
    public async Task DuplicateAddFailsTheWholeTransactionWithAlreadyExistsAtItsIndex()
    {
        var table = await TableTestSupport.NewTableAsync();
        await table.AddEntityAsync(new TableEntity("b1", "inbox-evt1"));

        var result = await table.SubmitTransactionAsync([Add("b1", "outbox-1"), Add("b1", "inbox-evt1"), Add("b1", "outbox-2")]);

        Assert.False(result.Succeeded);
        Assert.Equal(TableWriteOutcome.AlreadyExists, result.FailedOutcome);
        Assert.Equal(409, result.FailedStatus);
        Assert.Equal(1, result.FailedActionIndex);
        Assert.Equal("EntityAlreadyExists", result.ErrorCode);
        Assert.Empty(result.ETags);
        Assert.Null(await table.GetEntityAsync("b1", "outbox-1"));
    }

    [Fact]
    public async Task StaleETagFailsTheTransactionWithPreconditionFailed()
    {
        var table = await TableTestSupport.NewTableAsync();
        var stale = await table.AddEntityAsync(new TableEntity("b1", "state") { ["S"] = "PENDING" });
        await table.UpsertEntityAsync(new TableEntity("b1", "state") { ["S"] = "CANCELLED" }, TableUpdateMode.Merge);

        var result = await table.SubmitTransactionAsync(
        [
            Add("b1", "inbox-evt2"),
            Add("b1", "outbox-9"),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("b1", "state") { ["S"] = "CONFIRMED" }, stale.ETag),
        ]);

        Assert.Equal(TableWriteOutcome.PreconditionFailed, result.FailedOutcome);
        Assert.Equal(412, result.FailedStatus);
        Assert.Equal(2, result.FailedActionIndex);
        Assert.Null(await table.GetEntityAsync("b1", "inbox-evt2"));
        Assert.Equal("CANCELLED", (await table.GetEntityAsync("b1", "state"))!.GetString("S"));
    }

    [Fact]
    public async Task UpdatingAMissingEntityFailsTheTransactionWithNotFound()
    {
        var table = await TableTestSupport.NewTableAsync();

        var result = await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpdateMerge, new TableEntity("b1", "missing") { ["S"] = "x" }),
            Add("b1", "inbox-evt3"),
        ]);

        Assert.Equal(TableWriteOutcome.NotFound, result.FailedOutcome);
        Assert.Equal(404, result.FailedStatus);
        Assert.Equal(0, result.FailedActionIndex);
        Assert.Null(await table.GetEntityAsync("b1", "inbox-evt3"));
    }

    [Fact]
    public async Task CrossPartitionTransactionIsRefusedWithoutARequestBeingSent()
    {
        var handler = new RecordingHandler();
        var table = await TableTestSupport.NewTableAsync(handler);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([Add("b1", "a"), Add("b2", "b")]));

        Assert.Contains("PartitionKey", error.Message);
        Assert.Empty(handler.Requests);
        Assert.Null(await table.GetEntityAsync("b1", "a"));
    }

    public static TheoryData<string, Func<List<TableTransactionAction>>> InvalidBatches => new()
    {
        { "empty", () => [] },
        { "101 actions", () => Enumerable.Range(0, 101).Select(i => Add("p", $"r{i}")).ToList() },
        { "same row twice", () => [Add("p", "r"), new(TableTransactionActionType.Delete, new TableEntity("p", "r"))] },
        { "over 4 MiB", () => Enumerable.Range(0, 80).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i}") { ["B"] = new byte[60_000] })).ToList() },
        { "bad key", () => [Add("p", "a/b")] },
    };

    [Theory]
    [MemberData(nameof(InvalidBatches))]
    public async Task InvalidTransactionIsRefusedBeforeSending(string label, Func<List<TableTransactionAction>> actions)
    {
        var handler = new RecordingHandler();
        var table = await TableTestSupport.NewTableAsync(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(actions()));

        Assert.True(handler.Requests.Count == 0, label);
    }

    [Fact]
    public async Task HundredActionsInOneTransactionAreAccepted()
    {
        var table = await TableTestSupport.NewTableAsync();

        var result = await table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(i => Add("p", $"r{i:D3}", i)));

        Assert.True(result.Succeeded);
        Assert.Equal(100, result.ETags.Count);
        Assert.Equal(99, (await table.GetEntityAsync("p", "r099"))!.GetInt32("V"));
    }

    [Fact]
    public void AzureStyleFailureIndexInTheMessageWinsOverContentId()
    {
        var body = "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n" +
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 409 Conflict\r\nContent-ID: 1\r\nContent-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"2:The specified entity already exists.\\nRequestId:x\"}}}\r\n" +
            "--changesetresponse_2--\r\n--batchresponse_1--\r\n";
        var actions = Enumerable.Range(0, 3).Select(i => Add("p", $"r{i}")).ToList();

        var parts = TableBatchResponse.Parse("multipart/mixed; boundary=batchresponse_1", System.Text.Encoding.UTF8.GetBytes(body));
        var result = TableBatchResponse.ToResult(parts, actions);

        Assert.Equal(2, result.FailedActionIndex);
        Assert.Equal(TableWriteOutcome.AlreadyExists, result.FailedOutcome);
        Assert.Equal("EntityAlreadyExists", result.ErrorCode);
    }

    [Fact]
    public void FailureWithoutAnIndexInTheMessageFallsBackToTheOneBasedContentId()
    {
        var body = "--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: application/http\r\n\r\n" +
            "HTTP/1.1 412 Precondition Failed\r\nContent-ID: 2\r\n\r\n{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\",\"message\":{\"value\":\"The update condition specified in the request was not satisfied.\"}}}\r\n--c--\r\n--b--\r\n";

        var parts = TableBatchResponse.Parse("multipart/mixed; boundary=b", System.Text.Encoding.UTF8.GetBytes(body));
        var result = TableBatchResponse.ToResult(parts, [Add("p", "a"), Add("p", "b")]);

        Assert.Equal(1, result.FailedActionIndex);
        Assert.Equal(TableWriteOutcome.PreconditionFailed, result.FailedOutcome);
        Assert.Equal("UpdateConditionNotSatisfied", result.ErrorCode);
    }

    [Fact]
    public void UnexpectedFailureInsideATransactionThrowsRequestFailed()
    {
        var body = "--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: application/http\r\n\r\n" +
            "HTTP/1.1 400 Bad Request\r\nContent-ID: 1\r\n\r\n{\"odata.error\":{\"code\":\"InvalidInput\",\"message\":{\"value\":\"0:Bad value.\"}}}\r\n--c--\r\n--b--\r\n";

        var parts = TableBatchResponse.Parse("multipart/mixed; boundary=b", System.Text.Encoding.UTF8.GetBytes(body));
        var error = Assert.Throws<RequestFailedException>(() => TableBatchResponse.ToResult(parts, [Add("p", "r")]));

        Assert.Equal(400, error.Status);
        Assert.Equal("InvalidInput", error.ErrorCode);
    }
}
