using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging.Local;

/// A message the in-process transport dead-lettered, as a row in its booking's partition: durable and visible
/// (Service Bus keeps its dead-letter sub-queue the same way), never resent by the sweeper.
public static class DeadLetterRow
{
    public static TableEntity ToEntity(InProcessTransport.DeadLetter deadLetter, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var message = deadLetter.Message;
        return new(message.BookingId, RowKeys.DeadLetter(deadLetter.Topic, deadLetter.Subscription, message.MessageId))
        {
            ["Topic"] = deadLetter.Topic,
            ["Subscription"] = deadLetter.Subscription,
            ["MessageId"] = message.MessageId,
            ["Type"] = message.Type,
            ["Subject"] = message.Subject,
            ["Body"] = message.Body,
            // Exception messages are ours, but bounded: a table property holds at most 64 KiB.
            ["Reason"] = deadLetter.Reason.Length <= 4096 ? deadLetter.Reason : deadLetter.Reason[..4096],
            ["DeadLetteredAt"] = at,
        };
    }
}
