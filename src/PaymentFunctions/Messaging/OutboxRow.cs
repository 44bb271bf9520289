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

    /// What is still in the outbox for one cause of one booking: one query in the booking's partition.
    public static async Task<List<TableEntity>> ReadAsync(PaymentTables tables, string bookingId, string causationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(KeyFilters.InPartitionStartingWith(bookingId, RowKeys.OutboxFor(causationId)), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    public static OutboxMessage FromEntity(TableEntity entity, PendingEntry? pending = null) => new(
        Topic: entity.GetString("Topic")!,
        MessageId: entity.GetString("MessageId")!,
        Type: entity.GetString("Type")!,
        Subject: entity.GetString("Subject")!,
        BookingId: entity.PartitionKey,
        Body: entity.GetString("Body")!,
        RowKey: entity.RowKey,
        Pending: pending);
}
