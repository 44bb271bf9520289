using System.Runtime.CompilerServices;
using Azure.Messaging.ServiceBus;

namespace PaymentFunctions.Tests.Infrastructure;

/// The sender half of <see cref="RecordingServiceBusClient"/>. Only the batch path is supported: the publisher
/// is meant to send ServiceBusMessageBatch objects, and a test should fail loudly if it stops doing so.
internal sealed class RecordingServiceBusSender(RecordingServiceBusClient bus, string topic) : ServiceBusSender
{
    // The SDK keeps a batch's messages internal; the factory's backing list is how a double reads them back.
    private readonly ConditionalWeakTable<ServiceBusMessageBatch, List<ServiceBusMessage>> _contents = new();
    private bool _closed;

    public override string EntityPath => topic;

    public override string FullyQualifiedNamespace => bus.FullyQualifiedNamespace;

    public override bool IsClosed => _closed;

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        var limit = Math.Min(options?.MaxSizeInBytes ?? long.MaxValue, bus.MaxBatchBytes);
        var contents = new List<ServiceBusMessage>();
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(
            batchSizeBytes: 0,
            contents,
            new CreateMessageBatchOptions { MaxSizeInBytes = limit },
            message => contents.Sum(BodyBytes) + BodyBytes(message) <= limit);
        _contents.Add(batch, contents);
        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        if (!_contents.TryGetValue(messageBatch, out var contents))
        {
            throw new ArgumentException("The batch was not created by this sender.", nameof(messageBatch));
        }

        bus.Accept(topic, [.. contents]);
        return Task.CompletedTask;
    }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The publisher sends ServiceBusMessageBatch objects only.");

    public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The publisher sends ServiceBusMessageBatch objects only.");

    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        _closed = true;
        return Task.CompletedTask;
    }

#pragma warning disable CA2215 // Built by the SDK's mocking constructor, the base has no connection to close.
    public override ValueTask DisposeAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }
#pragma warning restore CA2215

    private static long BodyBytes(ServiceBusMessage message) => message.Body.ToMemory().Length;

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);
}
