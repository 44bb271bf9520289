using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace PaymentFunctions.Bench.Ingest;

/// Counts every HTTP request a TableServiceClient sends to storage (retries included: a per-retry policy of the
/// SDK's own pipeline, the approach of the tests' LoseFirstAnswer), by kind, so the bench can report round trips
/// per webhook and per consumed message instead of estimating them.
/// Calls made while a webhook request is being answered are also counted apart ("on the request path"): work a
/// background service does later (a batched clean-up) is still a round trip, but not one the sender waits for.
internal sealed class RoundTripCounter : HttpPipelinePolicy
{
    // Set by the server for the duration of each request; a background service's loop runs in its own execution
    // context (its awaits resume in the context they captured), so its calls are never seen as the request's.
    private static readonly AsyncLocal<bool> InRequest = new();
    private readonly ConcurrentDictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private long _onRequestPath;

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_byKind, StringComparer.Ordinal);

    public long OnRequestPath => Interlocked.Read(ref _onRequestPath);

    /// Marks the rest of this async flow (one HTTP request) as the request path.
    public static void EnterRequest() => InRequest.Value = true;

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

    private void Count(HttpMessage message)
    {
        _byKind.AddOrUpdate(Kind(message.Request), 1, (_, n) => n + 1);
        if (InRequest.Value)
        {
            Interlocked.Increment(ref _onRequestPath);
        }
    }

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
