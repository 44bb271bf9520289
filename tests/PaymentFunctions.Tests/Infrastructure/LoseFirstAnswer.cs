using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Tests.Infrastructure;

/// Lets the first matching request reach storage, then loses its answer, as a connection reset after the commit
/// would. A per-retry policy of the SDK's own pipeline (TableClientOptions.AddPolicy), so the SDK's retry policy
/// sees the IOException and sends the request again, exactly as it would in production.
public sealed class LoseFirstAnswer(Func<Request, bool> matches) : HttpPipelinePolicy
{
    private int _lost;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The app calls storage asynchronously only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        await ProcessNextAsync(message, pipeline);
        if (matches(message.Request) && Interlocked.Exchange(ref _lost, 1) == 0)
        {
            throw new IOException("connection reset after the server committed");
        }
    }

    /// Table client options whose pipeline loses the first answer to a matching request, and retries quickly.
    public static Azure.Data.Tables.TableClientOptions Options(Func<Request, bool> matches)
    {
        var options = new Azure.Data.Tables.TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(new LoseFirstAnswer(matches), HttpPipelinePosition.PerRetry);
        return options;
    }
}
