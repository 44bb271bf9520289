using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace PaymentFunctions.Bench.Ingest;

/// Counts every HTTP request a TableServiceClient sends to storage (retries included: a per-retry policy of the
/// SDK's own pipeline, the approach of the tests' LoseFirstAnswer), by kind, so the bench can report round trips
/// per webhook and per consumed message instead of estimating them.
internal sealed class RoundTripCounter : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, long> _byKind = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_byKind, StringComparer.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        await ProcessNextAsync(message, pipeline);
    }

    public TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    private void Count(HttpMessage message) => _byKind.AddOrUpdate(Kind(message.Request), 1, (_, n) => n + 1);

    // "GET entity", "GET query", "POST $batch", "DELETE entity", ...: enough to see which call a round trip is.
    private static string Kind(Request request)
    {
        var path = request.Uri.Path;
        var what = path.EndsWith("$batch", StringComparison.Ordinal) ? "$batch"
            : path.EndsWith(')') && path.Contains("PartitionKey", StringComparison.Ordinal) ? "entity"
            : path.Contains("Tables", StringComparison.Ordinal) ? "table"
            : "query";
        return request.Method.Method + " " + what;
    }
}
