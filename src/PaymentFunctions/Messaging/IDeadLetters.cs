using System.Text.Json.Serialization;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// The dead-lettered messages of one subscription, for a person: listed a page at a time, and sent back to their
/// topic one by one, each at most once per MessageId. In Azure the subscription's dead-letter sub-queue
/// (<see cref="ServiceBusDeadLetters"/>); in development the in-process transport's dead-letter rows.
public interface IDeadLetters
{
    /// Service Bus finds a message by its sequence number only, not by its MessageId.
    bool NeedsSequenceNumber { get; }

    /// Null when the cursor is not one this app handed out.
    Task<ListPage<DeadLetter>?> ListAsync(DeadLetterSource source, int pageSize, string? cursor, CancellationToken cancellationToken);

    /// The dead letter with this MessageId (and sequence number, where it is needed), or null when there is none.
    Task<DeadLetter?> FindAsync(DeadLetterSource source, string messageId, long? sequenceNumber, CancellationToken cancellationToken);

    /// Sends it back to its topic with its own MessageId (so the consumer's inbox still applies it at most once) and
    /// removes it from the dead letters, in an order that neither loses it nor applies it twice if the process dies.
    Task<RequeueResult> RequeueAsync(DeadLetterSource source, DeadLetter deadLetter, CancellationToken cancellationToken);
}

public sealed record DeadLetterSource(string Topic, string Subscription);

/// A dead-lettered message as an operator sees it. BookingId is the message's CorrelationId; EnqueuedAt the time the
/// topic accepted it (Service Bus), DeadLetteredAt the time it was dead-lettered (in-process transport);
/// SequenceNumber is Service Bus's, the handle a requeue needs there; Version is the in-process index entry's ETag as
/// found, so a requeue drops that entry only and never a newer dead-lettering of the same MessageId.
public sealed record DeadLetter(
    string MessageId,
    string? BookingId,
    string? Type,
    string? Subject,
    string? Reason,
    string? Description,
    DateTimeOffset? EnqueuedAt,
    DateTimeOffset? DeadLetteredAt,
    long? SequenceNumber,
    int? DeliveryCount,
    [property: JsonIgnore] string? Version = null);

[JsonConverter(typeof(JsonStringEnumConverter<RequeueOutcome>))]
public enum RequeueOutcome
{
    /// Sent back to its topic and removed from the dead letters.
    Requeued,

    /// An earlier requeue had already taken it out of the dead letters; what it left unsent was sent now.
    AlreadyRequeued,

    /// It is not (or no longer) a dead letter; nothing was sent.
    Gone,

    /// The topic's duplicate detection still remembers its MessageId and would drop the resend without a word:
    /// nothing was done; retry at RetryAt.
    TooSoon,

    /// Another receiver holds it locked, or it lies deeper in the queue than one requeue looks; nothing was done.
    Busy,
}

public sealed record RequeueResult(RequeueOutcome Outcome, DateTimeOffset? RetryAt = null);
