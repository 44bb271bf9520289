using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging;

/// A message waiting to be published, stored in the booking's partition in the same batch as the change that
/// caused it. MessageId is deterministic, so a resend after a crash is dropped by Service Bus duplicate
/// detection; BookingId is both CorrelationId and SessionId, keeping one booking's messages in order.
/// RowKey is its outbox row in partition BookingId (null for a message sent without one); Pending is the
/// pending-outbox entry that covers the row, if one does, released with the row once the row is deleted.
public sealed record OutboxMessage(string Topic, string MessageId, string Type, string Subject, string BookingId, string Body, string? RowKey = null, PendingEntry? Pending = null)
{
    public OutboxRowKey? Row => RowKey is null ? null : new OutboxRowKey(BookingId, RowKey);
}
