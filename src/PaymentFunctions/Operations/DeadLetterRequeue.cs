using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Operations;

/// A dead letter of the subscription this app consumes, sent back once by its MessageId (<see cref="IDeadLetters"/>).
/// Audited: the look-up first (it changes nothing and names the booking), then "requested" in that booking's trail,
/// the requeue, "done" with its outcome. A message not found is one "refused" row.
public sealed class DeadLetterRequeue(IDeadLetters deadLetters, AuditTrail audit)
{
    public bool NeedsSequenceNumber => deadLetters.NeedsSequenceNumber;

    /// Null when there is no such dead letter.
    public async Task<(DeadLetter DeadLetter, RequeueResult Result)?> RequeueAsync(string staffUserId, string messageId, long? sequenceNumber, string idempotencyKey, CancellationToken cancellationToken)
    {
        var action = new StaffAction(staffUserId, AuditActions.RequeueDeadLetter, Target: messageId, IdempotencyKey: idempotencyKey);
        if (await deadLetters.FindAsync(AttentionLists.Consumed, messageId, sequenceNumber, cancellationToken) is not { } deadLetter)
        {
            await audit.RecordAsync(action, AuditTrail.Refused, "not a dead letter", cancellationToken);
            return null;
        }

        var result = await audit.RunAsync(
            action with { BookingId = deadLetter.BookingId },
            () => deadLetters.RequeueAsync(AttentionLists.Consumed, deadLetter, cancellationToken),
            r => r.RetryAt is { } at ? $"{r.Outcome} until {at:O}" : r.Outcome.ToString(),
            cancellationToken);
        return (deadLetter, result);
    }
}
