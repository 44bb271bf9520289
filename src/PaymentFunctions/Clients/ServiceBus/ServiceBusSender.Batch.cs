using Azure.Core;

namespace PaymentFunctions.Clients.ServiceBus;

public sealed partial class ServiceBusSender
{
    /// <summary>
    /// Sends messages with REST "Send Message Batch", in as few requests as <see cref="ServiceBusSenderOptions.MaxBatchBytes"/>
    /// allows, in order. If a later request fails, the earlier ones were stored: resend the whole list, and duplicate
    /// detection drops what already arrived because each MessageId is unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">A single message is larger than the batch limit; nothing was sent.</exception>
    /// <exception cref="RequestFailedException">The broker refused a batch; the message names the topic and the reason.</exception>
    public async Task SendBatchAsync(IReadOnlyList<ServiceBusMessage> messages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var batch in Split(messages))
        {
            using var http = _pipeline.CreateMessage();
            var request = http.Request;
            request.Method = RequestMethod.Post;
            request.Uri.Reset(_messagesUri);
            request.Headers.SetValue(HttpHeader.Names.ContentType, ServiceBusWire.BatchContentType);
            request.Content = RequestContent.Create(batch);
            await _pipeline.SendAsync(http, ct);
            ThrowIfNotSent(http.Response, "batch");
        }
    }

    /// Serializes every message first, so an oversized one is refused before any request goes out.
    private List<byte[]> Split(IReadOnlyList<ServiceBusMessage> messages)
    {
        var entries = new List<byte[]>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages));
            foreach (var name in message.ApplicationProperties.Keys)
            {
                ServiceBusWire.ValidatePropertyName(name);
            }

            AssignMessageId(message);
            var entry = ServiceBusWire.BatchEntry(message);
            if (entry.Length + 2 > _maxBatchBytes)
            {
                throw new ArgumentException(
                    $"Message {i} (MessageId '{message.MessageId}') is {entry.Length} bytes as a batch entry, over the {_maxBatchBytes}-byte limit for topic '{TopicName}'.",
                    nameof(messages));
            }

            entries.Add(entry);
        }

        var batches = new List<byte[]>();
        var start = 0;
        while (start < entries.Count)
        {
            var size = 2 + entries[start].Length; // "[" + entry + "]"
            var end = start + 1;
            while (end < entries.Count && size + 1 + entries[end].Length <= _maxBatchBytes)
            {
                size += 1 + entries[end].Length; // "," + entry
                end++;
            }

            batches.Add(Join(entries, start, end, size));
            start = end;
        }

        return batches;
    }

    private static byte[] Join(List<byte[]> entries, int start, int end, int size)
    {
        var body = new byte[size];
        body[0] = (byte)'[';
        var offset = 1;
        for (var i = start; i < end; i++)
        {
            if (i > start)
            {
                body[offset++] = (byte)',';
            }

            entries[i].CopyTo(body, offset);
            offset += entries[i].Length;
        }

        body[offset] = (byte)']';
        return body;
    }
}
