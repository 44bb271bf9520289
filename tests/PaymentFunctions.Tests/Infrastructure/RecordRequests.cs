using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Tests.Infrastructure;

/// Records every request the app sends to storage ("POST $batch", "GET entity", "DELETE entity", "GET query"), so a
/// test can pin the round trips of a path. A per-retry policy of the SDK's own pipeline, like <see cref="LoseFirstAnswer"/>.
public sealed class RecordRequests : HttpPipelinePolicy
{
    private readonly Lock _lock = new();
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> Calls { get { lock (_lock) { return [.. _calls]; } } }

    public void Clear()
    {
        lock (_lock)
        {
            _calls.Clear();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The app calls storage asynchronously only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        var path = message.Request.Uri.Path;
        // A query is "/{table}()", a point read or write "/{table}(PartitionKey='...',RowKey='...')".
        var kind = path.EndsWith("$batch", StringComparison.Ordinal) ? "$batch" : path.EndsWith(')') && !path.EndsWith("()", StringComparison.Ordinal) ? "entity" : "query";
        lock (_lock)
        {
            _calls.Add(message.Request.Method.Method + " " + kind);
        }

        await ProcessNextAsync(message, pipeline);
    }

    public Azure.Data.Tables.TableClientOptions Options()
    {
        var options = new Azure.Data.Tables.TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }
}
