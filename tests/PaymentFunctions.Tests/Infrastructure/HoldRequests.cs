using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Tests.Infrastructure;

/// Once armed, holds the first matching request to storage open until the test releases it: a storage call that
/// is "slow" for exactly as long as the test needs, without timing anything. A per-retry policy of the SDK's own
/// pipeline (TableClientOptions.AddPolicy), like <see cref="LoseFirstAnswer"/>.
public sealed class HoldRequests(Func<Request, bool> matches) : HttpPipelinePolicy
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// Completes when the first matching request after <see cref="Arm"/> is being held.
    public Task Entered => _entered.Task;

    public void Arm() => Interlocked.Exchange(ref _armed, 1);

    public void Release() => _released.TrySetResult();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The app calls storage asynchronously only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (matches(message.Request) && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _entered.TrySetResult();
            await _released.Task;
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
