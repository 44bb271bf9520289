using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace PaymentFunctions.Tests.Infrastructure;

/// Records every storage request with its table, its $filter and how many entities the answer carried: what a test
/// needs to show that a path reads only what it should (every query naming its partitions, and the entities returned).
/// A per-retry policy of the SDK's own pipeline, like <see cref="RecordRequests"/>.
public sealed class StorageRequests : HttpPipelinePolicy
{
    private readonly Lock _lock = new();
    private readonly List<StorageRequest> _requests = [];

    public IReadOnlyList<StorageRequest> All { get { lock (_lock) { return [.. _requests]; } } }

    public void Clear()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The app calls storage asynchronously only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        await ProcessNextAsync(message, pipeline);
        var path = message.Request.Uri.Path;
        var table = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Last().Split('(')[0];
        var query = System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query);
        var request = new StorageRequest(message.Request.Method.Method, table, query["$filter"], Entities(message));
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    public TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    // A query answers {"value": [...]}; a point read answers the entity itself.
    private static int Entities(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Get || !message.HasResponse || message.Response.Status != 200 || message.Response.Content is not { } content)
        {
            return 0;
        }

        using var json = JsonDocument.Parse(content.ToMemory());
        return json.RootElement.TryGetProperty("value", out var value) ? value.GetArrayLength() : 1;
    }
}

/// One storage request: method, table (or "$batch", "Tables"), filter of a query, entities in the answer.
public sealed record StorageRequest(string Method, string Table, string? Filter, int Entities);
