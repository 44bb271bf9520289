using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging.Local;

/// The in-process transport's dead letters (<see cref="DeadLetterRow"/>), listed from their Lookups index and
/// requeued through the outbox, as any other message is sent: one transaction in the booking's partition swaps the
/// dead-letter row (ETag-checked) for an outbox row of the cause "requeue:{MessageId}", whose pending-outbox entry is
/// written first. So two requeues of one message make one swap; a process that dies after the swap leaves the outbox
/// row for the next requeue call, the start-up resend or the sweeper; and the consumer's inbox (keyed by the
/// MessageId) applies whatever copies arrive once.
public sealed class LocalDeadLetters(
    PaymentTables tables, PendingOutbox pending, OutboxSender sender, FaultInjection faults, InProcessTransportOptions options, TimeProvider time, ILogger<LocalDeadLetters> logger) : IDeadLetters
{
    public bool NeedsSequenceNumber => false;

    public static string RequeueCause(string messageId) => "requeue:" + messageId;

    public async Task<ListPage<DeadLetter>?> ListAsync(DeadLetterSource source, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = KeyFilters.InPartition(RowKeys.DeadLetterIndexPartition(source.Topic, source.Subscription));
        return await TablePages.ReadAsync(tables.Lookups, filter, pageSize, cursor, DeadLetterRow.IndexColumns, DeadLetterRow.FromIndexEntity, cancellationToken);
    }

    public async Task<DeadLetter?> FindAsync(DeadLetterSource source, string messageId, long? sequenceNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        await tables.EnsureCreatedAsync(cancellationToken);
        var entry = await tables.Lookups.FindAsync(RowKeys.DeadLetterIndexPartition(source.Topic, source.Subscription), RowKeys.DeadLetterIndexRow(messageId), cancellationToken);
        return entry is null ? null : DeadLetterRow.FromIndexEntity(entry);
    }

    public async Task<RequeueResult> RequeueAsync(DeadLetterSource source, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(deadLetter);
        var bookingId = deadLetter.BookingId ?? throw new ArgumentException("A dead-letter row lives in its booking's partition.", nameof(deadLetter));
        var cause = RequeueCause(deadLetter.MessageId);
        var row = await tables.Bookings.FindAsync(bookingId, RowKeys.DeadLetter(source.Topic, source.Subscription, deadLetter.MessageId), cancellationToken);
        if (row is null)
        {
            return await AfterEarlierRequeueAsync(source, deadLetter, cause, cancellationToken);
        }

        // The transport's duplicate detection remembers the MessageId for its window from the first send, which was
        // before the dead-lettering: a resend sooner would be dropped as a duplicate of the settled message.
        var remembered = row.GetDateTimeOffset("DeadLetteredAt")!.Value + options.DuplicateDetectionWindow;
        if (remembered > time.GetUtcNow())
        {
            return new RequeueResult(RequeueOutcome.TooSoon, remembered);
        }

        var outboxRow = OutboxRow.ToEntity(DeadLetterRow.ToOutboxMessage(row), cause);
        // Before the swap: once it commits, the outbox row must be found even if this process dies before sending it.
        var entry = await pending.MarkAsync(bookingId, cause, cancellationToken);
        try
        {
            await tables.Bookings.SubmitCheckedAsync(
                [new(TableTransactionActionType.Delete, row, row.ETag), new(TableTransactionActionType.Add, outboxRow)], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status is 404 or 412)
        {
            // Another requeue swapped it first.
            return await AfterEarlierRequeueAsync(source, deadLetter, cause, cancellationToken);
        }

        faults.Reached(FaultInjection.RequeueAfterCommit);
        await sender.SendAsync([outboxRow], cancellationToken, entry);
        await ForgetAsync(source, deadLetter);
        logger.LogWarning("Dead-lettered message {MessageId} of booking {BookingId} was sent back to {Topic}", deadLetter.MessageId, bookingId, source.Topic);
        return new RequeueResult(RequeueOutcome.Requeued);
    }

    /// No dead-letter row: a requeue swapped it for an outbox row (send what is still there), or the index entry names
    /// a dead-lettering whose transaction never committed (drop it once no such commit can still land).
    private async Task<RequeueResult> AfterEarlierRequeueAsync(DeadLetterSource source, DeadLetter deadLetter, string cause, CancellationToken cancellationToken)
    {
        if (await sender.SendPendingAsync(deadLetter.BookingId!, cause, cancellationToken) > 0)
        {
            await ForgetAsync(source, deadLetter);
            return new RequeueResult(RequeueOutcome.AlreadyRequeued);
        }

        if (deadLetter.DeadLetteredAt is { } at && time.GetUtcNow() - at >= OutboxSweeper.StaleAfter)
        {
            await ForgetAsync(source, deadLetter);
        }

        return new RequeueResult(RequeueOutcome.Gone);
    }

    /// Drops the index entry as it was found: if the requeued message was dead-lettered again meanwhile, its new entry
    /// (another ETag) stays listed.
    private async Task ForgetAsync(DeadLetterSource source, DeadLetter deadLetter)
    {
        var found = deadLetter.Version is { } version ? new ETag(version) : ETag.All;
        try
        {
            await tables.Lookups.DeleteEntityAsync(RowKeys.DeadLetterIndexPartition(source.Topic, source.Subscription), RowKeys.DeadLetterIndexRow(deadLetter.MessageId), found, CancellationToken.None);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Forgotten already, or the entry of a newer dead-lettering.
        }
    }
}
