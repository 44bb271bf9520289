using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// One staff action as the audit trail keeps it: who (the token's sub, never the token), what (an
/// <see cref="AuditActions"/> name), which booking, the amount in the booking currency's minor units, the
/// Idempotency-Key the call came with, and what it acted on (an event id, a MessageId).
public sealed record StaffAction(string Actor, string Action, string? BookingId = null, string? Target = null, long? Amount = null, string? Currency = null, string? IdempotencyKey = null);

/// One row of the trail, as staff list it.
public sealed record AuditEntry(DateTimeOffset At, string ActionId, string Phase, string Actor, string Action, string? BookingId, string? Target, long? Amount, string? Currency, string? IdempotencyKey, string? Outcome);

/// The audit trail of staff actions: append-only rows (Add, never update or delete) in their own table, which no
/// clean-up of the app touches, so they outlive the logs' retention (at least 12 months: nothing deletes them).
/// A booking's actions share a partition, so "list per booking" is one partition query in time order; the others
/// (lists, replays of events no booking claims) go to a partition per UTC day. Key formats: <see cref="RowKeys"/>.
///
/// A change (refund, replay, requeue) writes "requested" before it runs - if that write fails, nothing runs, so no
/// change is ever made without a trail - and "done" (or "failed") after, with what came of it. A crash between the
/// two leaves "requested" alone: the action may or may not have happened, and the booking (or Stripe) says which;
/// the caller's retry under the same Idempotency-Key writes both rows again. A read, or a change refused before it
/// began, writes one row before the answer leaves: an answer is never shown that the trail does not hold.
public sealed class AuditTrail(PaymentTables tables, TimeProvider time, ILogger<AuditTrail> logger)
{
    public const string Read = "read";
    public const string Refused = "refused";
    public const string Requested = "requested";
    public const string Done = "done";
    public const string Failed = "failed";

    private static readonly string[] Columns = ["At", "ActionId", "Phase", "Actor", "Action", "BookingId", "Target", "Amount", "Currency", "IdempotencyKey", "Outcome"];

    /// One row for an action that changes nothing: a read, or a change refused before it began.
    public Task RecordAsync(StaffAction action, string phase, string outcome, CancellationToken cancellationToken) =>
        AddAsync(action, NewActionId(), phase, outcome, cancellationToken);

    /// A read of the trail itself, kept in the day's trail-reads partition, which the API does not list: recorded in
    /// the trail it reads, every page would add a row for the next page to read (with a page size of 1, forever).
    public Task RecordTrailReadAsync(StaffAction action, string outcome, CancellationToken cancellationToken) =>
        AddAsync(action, NewActionId(), Read, outcome, cancellationToken, RowKeys.AuditTrailReadsPartition);

    /// Runs a change between its "requested" row and its "done" row (its "failed" row, if it throws).
    public async Task<T> RunAsync<T>(StaffAction action, Func<Task<T>> change, Func<T, string> outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(outcome);
        var actionId = NewActionId();
        await AddAsync(action, actionId, Requested, null, cancellationToken);
        T result;
        try
        {
            result = await change();
        }
        catch (Exception ex)
        {
            await TryRecordFailureAsync(action, actionId, ex);
            throw;
        }

        // Not the caller's token: the change is made; a caller who hung up must not leave it without its outcome.
        await AddAsync(action, actionId, Done, outcome(result), CancellationToken.None);
        return result;
    }

    /// One booking's trail, oldest first, a page at a time; null when the cursor is not one this app handed out.
    public Task<ListPage<AuditEntry>?> ListAsync(string bookingId, int pageSize, string? cursor, CancellationToken cancellationToken) =>
        ListPartitionAsync(RowKeys.AuditBookingPartition(bookingId), pageSize, cursor, cancellationToken);

    /// The actions of one UTC day that concern no booking, oldest first.
    public Task<ListPage<AuditEntry>?> ListAsync(DateOnly day, int pageSize, string? cursor, CancellationToken cancellationToken) =>
        ListPartitionAsync(RowKeys.AuditDayPartition(new DateTimeOffset(day, TimeOnly.MinValue, TimeSpan.Zero)), pageSize, cursor, cancellationToken);

    private async Task<ListPage<AuditEntry>?> ListPartitionAsync(string partition, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        return await TablePages.ReadAsync(tables.Audit, KeyFilters.InPartition(partition), pageSize, cursor, Columns, FromEntity, cancellationToken);
    }

    private async Task AddAsync(StaffAction action, string actionId, string phase, string? outcome, CancellationToken cancellationToken, Func<DateTimeOffset, string>? partitionOf = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        await tables.EnsureCreatedAsync(cancellationToken);
        var at = time.GetUtcNow();
        var partition = partitionOf?.Invoke(at) ?? (action.BookingId is { } bookingId ? RowKeys.AuditBookingPartition(bookingId) : RowKeys.AuditDayPartition(at));
        await tables.Audit.AddCheckedAsync(
            new TableEntity(partition, RowKeys.AuditRow(at, actionId, phase))
            {
                ["At"] = at,
                ["ActionId"] = actionId,
                ["Phase"] = phase,
                ["Actor"] = action.Actor,
                ["Action"] = action.Action,
                ["BookingId"] = action.BookingId,
                ["Target"] = action.Target,
                ["Amount"] = action.Amount,
                ["Currency"] = action.Currency,
                ["IdempotencyKey"] = action.IdempotencyKey,
                ["Outcome"] = outcome,
            },
            cancellationToken);
    }

    // The caller's exception is what the caller answers with; this row only adds what the trail can say about it.
    private async Task TryRecordFailureAsync(StaffAction action, string actionId, Exception failure)
    {
        try
        {
            // The type only: a message may carry a server's text.
            await AddAsync(action, actionId, Failed, failure.GetType().Name, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError("Staff action {ActionId} ({Action} by {Actor}) failed with {Failure} and its audit row could not be written: {Error}", actionId, action.Action, action.Actor, failure.GetType().Name, ex.Message);
        }
    }

    private static AuditEntry FromEntity(TableEntity row) => new(
        row.GetDateTimeOffset("At") ?? default,
        row.GetString("ActionId") ?? "",
        row.GetString("Phase") ?? "",
        row.GetString("Actor") ?? "",
        row.GetString("Action") ?? "",
        row.GetString("BookingId"),
        row.GetString("Target"),
        row.GetInt64("Amount"),
        row.GetString("Currency"),
        row.GetString("IdempotencyKey"),
        row.GetString("Outcome"));

    private static string NewActionId() => Guid.NewGuid().ToString("N");
}

/// The names of the staff actions in the trail.
public static class AuditActions
{
    public const string Refund = "refund";
    public const string ReadBooking = "booking.read";
    public const string ReadAudit = "audit.read";
    public const string ReplayStripeEvent = "stripe-event.replay";
    public const string RequeueDeadLetter = "dead-letter.requeue";
    public const string ListStripeEvents = "stripe-events.list";
    public const string ListDeadLetters = "dead-letters.list";
    public const string ListStuckOutbox = "outbox.list-stuck";
    public const string BackfillRetention = "retention.backfill";
}
