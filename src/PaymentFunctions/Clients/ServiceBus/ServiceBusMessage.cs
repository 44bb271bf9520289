namespace PaymentFunctions.Clients.ServiceBus;

/// <summary>A message to send to a Service Bus topic, mapped onto the REST API's body, BrokerProperties and custom properties.</summary>
public sealed class ServiceBusMessage
{
    /// <summary>Creates a message with an empty body.</summary>
    public ServiceBusMessage()
        : this(BinaryData.Empty)
    {
    }

    /// <summary>Creates a message with the given body.</summary>
    public ServiceBusMessage(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
    }

    /// <summary>Creates a message whose body is the UTF-8 encoding of <paramref name="body"/>.</summary>
    public ServiceBusMessage(string body)
        : this(BinaryData.FromString(body ?? throw new ArgumentNullException(nameof(body))))
    {
    }

    /// <summary>The message payload, sent as is.</summary>
    public BinaryData Body { get; set; }

    /// <summary>
    /// The id the topic's duplicate detection keys on. Set it deterministically; when left null the sender assigns a
    /// random id on the first send and writes it back, so resending the same instance is still recognised as a duplicate.
    /// </summary>
    public string? MessageId { get; set; }

    /// <summary>The subject, sent as the BrokerProperties <c>Label</c>.</summary>
    public string? Subject { get; set; }

    /// <summary>The correlation id (BrokerProperties <c>CorrelationId</c>).</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The session id (BrokerProperties <c>SessionId</c>).</summary>
    public string? SessionId { get; set; }

    /// <summary>
    /// The payload's content type, sent as the Content-Type header of a single send. The REST batch format has no
    /// per-message content type, so it does not travel with <see cref="ServiceBusSender.SendBatchAsync"/>.
    /// </summary>
    public string? ContentType { get; set; }

    /// <summary>How long the message lives before it expires (BrokerProperties <c>TimeToLive</c>, in seconds).</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>When the broker makes the message visible (BrokerProperties <c>ScheduledEnqueueTimeUtc</c>).</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; set; }

    /// <summary>
    /// Application properties. Values may be <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>,
    /// <see cref="long"/>, <see cref="double"/> or <see cref="DateTimeOffset"/> (sent as an RFC 1123 string).
    /// </summary>
    public IDictionary<string, object> ApplicationProperties { get; } = new Dictionary<string, object>(StringComparer.Ordinal);
}
