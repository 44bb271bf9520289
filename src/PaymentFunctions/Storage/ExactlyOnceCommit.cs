using Azure;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// THE inbox + state + outbox commit, used by the webhook pipeline and the booking consumer alike. One entity
/// group transaction in one partition: [Add sentinel?, Add inbox, Add / UpdateReplace(ETag) / UpdateMerge(*) state,
/// Add rows..., UpsertMerge rows...]. The inbox row exists iff the cause was applied, so:
/// - 409 at the inbox action: already applied earlier (a redelivery); nothing changed, reported as duplicate;
/// - 409 at the sentinel (an outbox row of the cause, written ahead of the inbox): applied earlier and that row is
///   still there (not yet released by the transport), so the caller knows, without a query, whether a redelivery has anything left to send;
/// - 412 at the state action (or 409 when the state row was new): someone committed first; re-read and retry;
/// - 404 at a state row merged with ETag.All: the row the cause belongs to does not exist (existence checked in
///   the transaction itself instead of by a read before it); nothing written, reported as missing;
/// - anything else: thrown with the failed action's index, status and code, so the cause is redelivered.
/// The policy (what to read, what to write) is the caller's <c>plan</c>, run afresh for every attempt.
public static class ExactlyOnceCommit
{
    /// Lost races per cause before giving up (the cause is redelivered and tries again later).
    public const int MaxAttempts = 10;

    // Causes for one partition that arrive together in this process (Stripe sends several events for one intent
    // within milliseconds) take turns instead of racing: without it, 16 at once starve one of them past
    // MaxAttempts. Races with other processes are still settled by the ETag and the retry below.
    private static readonly KeyedGates Turns = new(256);

    public static Task<CommitResult<T>> RunAsync<T>(
        TableClient table, string partitionKey, Func<CancellationToken, Task<CommitPlan<T>>> plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(plan);
        return Turns.RunAsync(partitionKey, () => CommitAsync(table, partitionKey, plan, cancellationToken), cancellationToken);
    }

    private static async Task<CommitResult<T>> CommitAsync<T>(
        TableClient table, string partitionKey, Func<CancellationToken, Task<CommitPlan<T>>> plan, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var next = await plan(cancellationToken);
            if (next.Writes is not { } writes)
            {
                return new CommitResult<T>(CommitOutcome.NothingToWrite, next.Value, attempt - 1);
            }

            if (writes.Inbox.PartitionKey != partitionKey)
            {
                throw new InvalidOperationException($"The commit for partition {partitionKey} writes its inbox row to partition {writes.Inbox.PartitionKey}.");
            }

            try
            {
                await table.SubmitCheckedAsync(writes.ToActions(), cancellationToken);
                return new CommitResult<T>(CommitOutcome.Committed, next.Value, attempt - 1);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex == writes.InboxIndex)
            {
                return new CommitResult<T>(writes.Sentinel is null ? CommitOutcome.Duplicate : CommitOutcome.DuplicateSettled, next.Value, attempt - 1);
            }
            catch (TableTransactionFailedException ex) when (ex is { FailedTransactionActionIndex: 0, Status: 409 } && writes.Sentinel is not null)
            {
                return new CommitResult<T>(CommitOutcome.Duplicate, next.Value, attempt - 1);
            }
            catch (TableTransactionFailedException ex) when (writes.IsMissingState(ex))
            {
                return new CommitResult<T>(CommitOutcome.Missing, next.Value, attempt - 1);
            }
            catch (TableTransactionFailedException ex) when (writes.IsLostRace(ex) && attempt < MaxAttempts)
            {
                // Another cause for this partition committed between our read and our write: read again.
            }
            catch (TableTransactionFailedException ex)
            {
                throw new InvalidOperationException(
                    $"Committing {writes.Inbox.RowKey} in partition {writes.Inbox.PartitionKey} failed at action {ex.FailedTransactionActionIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} (attempt {attempt}): {ex.Status} {ex.ErrorCode}.",
                    ex);
            }
        }
    }
}

/// What one attempt decided from a fresh read: the caller's result, and the writes (null: nothing to write,
/// not even the inbox row, so the cause may apply later).
public sealed record CommitPlan<T>(T Value, CommitWrites? Writes);

/// The rows of one commit. <paramref name="State"/> is null when the cause changes no state (only the inbox row).
/// <paramref name="Sentinel"/>: an outbox row of the cause written ahead of the inbox row (see <see cref="ExactlyOnceCommit"/>);
/// only for plans that write the same outbox row on every attempt and redelivery, i.e. that read nothing first.
/// <paramref name="Merged"/>: rows upserted with merge (columns another writer owns stay as they are).
public sealed record CommitWrites(TableEntity Inbox, StateWrite? State, IReadOnlyList<TableEntity> Added, TableEntity? Sentinel = null, IReadOnlyList<TableEntity>? Merged = null)
{
    internal int InboxIndex => Sentinel is null ? 0 : 1;

    private int StateIndex => InboxIndex + 1;

    internal IReadOnlyList<TableTransactionAction> ToActions()
    {
        var actions = new List<TableTransactionAction>(3 + Added.Count);
        if (Sentinel is { } sentinel)
        {
            actions.Add(new(TableTransactionActionType.Add, sentinel));
        }

        actions.Add(new(TableTransactionActionType.Add, Inbox));
        if (State is { } state)
        {
            actions.Add(state.ReadETag == default ? new(TableTransactionActionType.Add, state.Row)
                : state.ReadETag == ETag.All ? new(TableTransactionActionType.UpdateMerge, state.Row, ETag.All)
                : new(TableTransactionActionType.UpdateReplace, state.Row, state.ReadETag));
        }

        actions.AddRange(Added.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)));
        actions.AddRange((Merged ?? []).Select(row => new TableTransactionAction(TableTransactionActionType.UpsertMerge, row)));
        return actions;
    }

    internal bool IsLostRace(TableTransactionFailedException ex) =>
        State is { } state && ex.FailedTransactionActionIndex == StateIndex && state.ReadETag != ETag.All
        && (ex.Status == 412 || (ex.Status == 409 && state.ReadETag == default));

    internal bool IsMissingState(TableTransactionFailedException ex) =>
        State is { ReadETag: var etag } && etag == ETag.All && ex.FailedTransactionActionIndex == StateIndex && ex.Status == 404;
}

/// The state row as the plan wants it, with the ETag it was read with; default ETag: the row did not exist and is
/// added; <see cref="ETag.All"/> (<see cref="MustExist"/>): the row was not read, must exist, and is merged.
public sealed record StateWrite(TableEntity Row, ETag ReadETag)
{
    /// Checks inside the transaction that the row exists (a merge with If-Match: *; 404 otherwise) and merges the
    /// row's properties into it, instead of a read before the transaction.
    public static StateWrite MustExist(TableEntity row) => new(row, ETag.All);
}

public enum CommitOutcome
{
    Committed,

    /// Applied earlier; its outbox rows may still be unsent (no sentinel told otherwise).
    Duplicate,

    /// Applied earlier, and the sentinel outbox row is gone: everything it had to send was sent.
    DuplicateSettled,

    /// The state row a <see cref="StateWrite.MustExist"/> plan writes to does not exist; nothing was written.
    Missing,
    NothingToWrite,
}

/// <paramref name="LostRaces"/>: attempts that lost a race and were retried before this outcome (CommitMetrics counts them).
public sealed record CommitResult<T>(CommitOutcome Outcome, T Value, int LostRaces);
