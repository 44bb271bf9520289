using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Tests.Infrastructure;

/// Once armed, runs the test's action right before the first storage transaction ($batch) whose body names the given
/// text (a booking id: its partition key), then lets the transaction go on. "Another cause wrote the booking between
/// this one's read and its write", made to happen exactly once without timing anything. A per-retry policy of the
/// SDK's own pipeline (TableClientOptions.AddPolicy), like <see cref="HoldRequests"/>.
public sealed class BeforeTransaction : HttpPipelinePolicy
{
    private readonly Lock _gate = new();
    private (string Text, Func<Task> Action)? _armed;

    public int Fired { get; private set; }

    public void Arm(string bodyNames, Func<Task> action)
    {
        lock (_gate)
        {
            _armed = (bodyNames, action);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The app calls storage asynchronously only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_armed is { } armed && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && await BodyAsync(message) is { } body
            && body.Contains(armed.Text, StringComparison.Ordinal) && Disarm(armed))
        {
            await armed.Action();
            Fired++;
        }

        await ProcessNextAsync(message, pipeline);
    }

    public Azure.Data.Tables.TableClientOptions Options()
    {
        var options = new Azure.Data.Tables.TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    private bool Disarm((string Text, Func<Task> Action) armed)
    {
        lock (_gate)
        {
            if (_armed != armed)
            {
                return false;
            }

            _armed = null;
            return true;
        }
    }

    // The SDK writes a request's content as often as it retries, so reading it here changes nothing it sends.
    private static async Task<string?> BodyAsync(HttpMessage message)
    {
        if (message.Request.Content is not { } content)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await content.WriteToAsync(buffer, message.CancellationToken);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
