using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PaymentFunctions.Tests.Fakes;

/// A message the fake Service Bus stored, as read back off the wire.
public sealed record ReceivedMessage(
    string Topic,
    byte[] Body,
    string? ContentType,
    IReadOnlyDictionary<string, JsonElement> BrokerProperties,
    IReadOnlyDictionary<string, object> UserProperties,
    bool FromBatch)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? MessageId => Text("MessageId");

    public string? Label => Text("Label");

    public string? CorrelationId => Text("CorrelationId");

    public string? SessionId => Text("SessionId");

    public TimeSpan? TimeToLive =>
        BrokerProperties.TryGetValue("TimeToLive", out var ttl) ? TimeSpan.FromSeconds(ttl.GetDouble()) : null;

    public DateTimeOffset? ScheduledEnqueueTimeUtc => Text("ScheduledEnqueueTimeUtc") is { } text
        ? DateTimeOffset.ParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
        : null;

    private string? Text(string name) => BrokerProperties.TryGetValue(name, out var value) ? value.GetString() : null;
}
