using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging.Local;

/// A message the in-process transport dead-lettered, as a row in its booking's partition: durable and visible
/// (Service Bus keeps its dead-letter sub-queue the same way), never resent by the sweeper. Its index entry in
/// Lookups (one partition per subscription, one row per MessageId) is what operators list, without reading the
/// Bookings table; it carries what a list shows, the row keeps the body.
public static class DeadLetterRow
{
    // Exception messages are ours, but bounded: a table property holds at most 64 KiB.
    private const int MaxReasonChars = 4096;

    internal static readonly string[] IndexColumns = ["BookingId", "MessageId", "Type", "Subject", "Reason", "DeadLetteredAt"];

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
            ["Reason"] = Bounded(deadLetter.Reason),
            ["DeadLetteredAt"] = at,
        };
    }

    public static TableEntity ToIndexEntity(InProcessTransport.DeadLetter deadLetter, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var message = deadLetter.Message;
        return new(RowKeys.DeadLetterIndexPartition(deadLetter.Topic, deadLetter.Subscription), RowKeys.DeadLetterIndexRow(message.MessageId))
        {
            ["BookingId"] = message.BookingId,
            ["MessageId"] = message.MessageId,
            ["Type"] = message.Type,
            ["Subject"] = message.Subject,
            ["Reason"] = Bounded(deadLetter.Reason),
            ["DeadLetteredAt"] = at,
        };
    }

    public static DeadLetter FromIndexEntity(TableEntity entry) => new(
        entry.GetString("MessageId")!,
        entry.GetString("BookingId"),
        entry.GetString("Type"),
        entry.GetString("Subject"),
        entry.GetString("Reason"),
        Description: null,
        EnqueuedAt: null,
        entry.GetDateTimeOffset("DeadLetteredAt"),
        SequenceNumber: null,
        DeliveryCount: null,
        entry.ETag.ToString());

    /// The message as its outbox row held it, to be sent again.
    public static OutboxMessage ToOutboxMessage(TableEntity row) => new(
        row.GetString("Topic")!, row.GetString("MessageId")!, row.GetString("Type")!, row.GetString("Subject")!, row.PartitionKey, row.GetString("Body")!);

    private static string Bounded(string reason) => reason.Length <= MaxReasonChars ? reason : reason[..MaxReasonChars];
}
