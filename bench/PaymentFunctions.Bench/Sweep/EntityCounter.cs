using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace PaymentFunctions.Bench.Sweep;

/// Counts the reads a TableServiceClient sends (GET: queries and point reads) and the entities their answers carry (a
/// query answers {"value": [...]}): the client's side of "what a sweep reads". A per-retry policy of the SDK's own pipeline.
internal sealed class EntityCounter : HttpPipelinePolicy
{
    private long _requests;
    private long _entities;
    private long _writes;

    /// Every other request (inserts, updates, deletes, transactions), counted apart from the reads.
    public long Writes => Interlocked.Read(ref _writes);

    public (long Requests, long Entities) Snapshot() => (Interlocked.Read(ref _requests), Interlocked.Read(ref _entities));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The sweep calls storage asynchronously only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        if (message.Request.Method != RequestMethod.Get)
        {
            Interlocked.Increment(ref _writes);
            return;
        }

        Interlocked.Increment(ref _requests);
        if (message.Response.Status == 200 && message.Response.Content is { } content)
        {
            using var json = JsonDocument.Parse(content.ToMemory());
            Interlocked.Add(ref _entities, json.RootElement.TryGetProperty("value", out var value) ? value.GetArrayLength() : 1);
        }
    }

    public TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }
}
