using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Messaging.Local;

/// How the in-process transport keeps the outbox promise without durable memory: rows it holds are indexed as
/// pending before their publisher hears "accepted", released with their entries once settled (a dead letter as a
/// durable row), and resent at start from the pending-outbox index.
public sealed partial class InProcessTransport
{
    /// Memory does not survive a crash, and the caller acknowledges its cause once this returns: every row held here
    /// is indexed first (one upsert for the call), so the next start's resend finds it. Rows already covered by an
    /// entry (a resend, a sweep) keep theirs.
    private async Task<IReadOnlyList<OutboxMessage>> IndexHeldRowsAsync(IReadOnlyList<OutboxMessage> messages, bool held, CancellationToken cancellationToken)
    {
        var causes = messages.Where(m => m is { RowKey: not null, Pending: null }).Select(m => (m.BookingId, RowKeys.CausationOfOutbox(m.RowKey!))).ToList();
        if (!held || causes.Count == 0)
        {
            return messages;
        }

        var entries = (await pending.MarkAsync(causes, cancellationToken)).ToDictionary(e => e.RowKey, StringComparer.Ordinal);
        return [.. messages.Select(m => m is { RowKey: not null, Pending: null } ? m with { Pending = entries[RowKeys.PendingOutboxRow(m.BookingId, RowKeys.CausationOfOutbox(m.RowKey!))] } : m)];
    }

    /// Memory is empty after a start, so every indexed outbox row is a message not yet settled: send it now rather
    /// than waiting for the sweeper's minimum age. The same pending read as the sweeper's, up to now.
    private async Task ResendOutboxAsync(CancellationToken stoppingToken)
    {
        var retryDelay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                var resent = 0;
                await foreach (var entry in pending.ReadAsync(time.GetUtcNow().AddMinutes(1), int.MaxValue, stoppingToken))
                {
                    var rows = await OutboxRow.ReadAsync(tables, entry.BookingId, entry.CausationId, stoppingToken);
                    foreach (var byTopic in rows.Select(r => OutboxRow.FromEntity(r, entry)).GroupBy(m => m.Topic))
                    {
                        await PublishAsync(byTopic.Key, [.. byTopic], stoppingToken);
                    }

                    resent += rows.Count;
                }

                if (resent > 0)
                {
                    logger.LogWarning("Resent {Count} outbox message(s) left undelivered before this start", resent);
                }

                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage down at start: the app still starts (health reports it); resend once storage answers.
                logger.LogWarning("Could not resend the outbox at start; retrying in {Delay}: {Error}", retryDelay, ex.Message);
                try
                {
                    await Task.Delay(retryDelay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxResendRetryDelay.Ticks));
            }
        }
    }

    /// Hands a settled message's rows and entries to the clean-up; a dead-lettered one instead becomes its dead-letter
    /// row(s) in one transaction with the outbox row's deletion, so it is neither lost nor resent, then the entries go.
    private async Task ReleaseAsync(OutboxMessage message, IReadOnlyList<OutboxRowKey> rows, IReadOnlyList<PendingEntry> entries, IReadOnlyList<DeadLetter> deadLetters)
    {
        if (deadLetters.Count == 0)
        {
            cleanup.Release(rows, entries);
            return;
        }

        var now = time.GetUtcNow();
        List<TableTransactionAction> deadLetterRows = [.. deadLetters.Select(d => new TableTransactionAction(TableTransactionActionType.UpsertReplace, DeadLetterRow.ToEntity(d, now)))];
        try
        {
            await tables.EnsureCreatedAsync(CancellationToken.None);
            // The index entry first (another table, so not in the transaction): it may name a dead letter that never
            // got its row (then a requeue finds none and drops it), never leave a dead letter unlisted.
            foreach (var bySubscription in deadLetters.Select(d => DeadLetterRow.ToIndexEntity(d, now)).GroupBy(e => e.PartitionKey))
            {
                await tables.Lookups.SubmitCheckedAsync([.. bySubscription.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))], CancellationToken.None);
            }

            try
            {
                await tables.Bookings.SubmitCheckedAsync([.. deadLetterRows, .. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), ETag.All))], CancellationToken.None);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404 && rows.Count > 0)
            {
                // The outbox row is gone already (released with an earlier copy): only the dead letter is missing.
                await tables.Bookings.SubmitCheckedAsync(deadLetterRows, CancellationToken.None);
            }

            cleanup.Release([], entries);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError("Dead-lettered message {MessageId} of booking {BookingId} could not be stored as a dead-letter row; its outbox row stays and it is sent again: {Error}", message.MessageId, message.BookingId, ex.Message);
        }
    }
}
