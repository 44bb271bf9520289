using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// An outbox message as a row in the booking's partition. The row is deleted once the message is settled
/// (see <see cref="ITopicPublisher.SettlesOutboxRows"/>); a row that is still there is a message that has not
/// (provably) been delivered yet.
public static class OutboxRow
{
    public static TableEntity ToEntity(OutboxMessage message, string causationId) =>
        new(message.BookingId, RowKeys.Outbox(causationId, message.MessageId))
        {
            ["Topic"] = message.Topic,
            ["MessageId"] = message.MessageId,
            ["Type"] = message.Type,
            ["Subject"] = message.Subject,
            ["Body"] = message.Body,
        };

    public static OutboxMessage FromEntity(TableEntity entity) => new(
        Topic: entity.GetString("Topic")!,
        MessageId: entity.GetString("MessageId")!,
        Type: entity.GetString("Type")!,
        Subject: entity.GetString("Subject")!,
        BookingId: entity.PartitionKey,
        Body: entity.GetString("Body")!,
        RowKey: entity.RowKey);
}
