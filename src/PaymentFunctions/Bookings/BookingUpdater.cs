using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// Changes a booking's payment facts exactly once per cause, through the one inbox + state + outbox commit
/// (<see cref="ExactlyOnceCommit"/>): the inbox row for the cause, the booking (ETag-checked; a lost race re-reads
/// and re-applies), a history row and the booking event in the outbox when the status changes, and the status of
/// each of our refund rows whose refund changed (<see cref="RefundStatusRow"/>). The outbox rows are sent after the
/// commit. Round trips: the booking's point read, then the transaction; before it the retention entry of the inbox
/// row (once per booking and minute in this process), and the pending-outbox entry when no one redelivers the cause.
/// A redelivery (<c>redelivered</c>) reads instead the booking, the cause's inbox row and its outbox rows in one query,
/// so an applied cause is settled by the read alone: 1 round trip instead of 3.
public sealed class BookingUpdater(
    PaymentTables tables,
    OutboxSender outbox,
    PendingOutbox pending,
    RetentionIndex retention,
    CommitMetrics commits,
    FaultInjection faults,
    TimeProvider time,
    ILogger<BookingUpdater> logger)
{
    /// For causes no one redelivers (a timer, a caller that may give up): see <see cref="OutboxRecovery.Sweeper"/>.
    public Task<BookingUpdate> ApplyAsync(
        string bookingId, string causationId, string cause, Func<Booking, PaymentFacts?> change, CancellationToken cancellationToken) =>
        ApplyAsync(bookingId, causationId, cause, change, OutboxRecovery.Sweeper, redelivered: false, cancellationToken);

    /// <paramref name="change"/> gets the freshly read booking and returns its new facts, or null when the cause no
    /// longer applies to it (then nothing is written, not even the inbox row, so the cause may come back later).
    /// <paramref name="redelivered"/>: the cause arrives again (a Service Bus DeliveryCount above 1), so it was likely
    /// applied already. Only a hint for the read: either way the inbox decides.
    public async Task<BookingUpdate> ApplyAsync(
        string bookingId, string causationId, string cause, Func<Booking, PaymentFacts?> change, OutboxRecovery recovery, bool redelivered, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        PendingEntry? entry = null;
        var commit = await ExactlyOnceCommit.RunAsync(tables.Bookings, bookingId, async ct =>
        {
            var plan = await PlanAsync(bookingId, causationId, cause, change, redelivered, ct);
            if (plan.Writes is { } writes)
            {
                // Before the commit, so no inbox row is ever left without its entry (once per booking and minute).
                await retention.FileAsync(RetentionKind.ConsumerInbox, bookingId, null, writes.Inbox.GetDateTimeOffset("ReceivedAt")!.Value, ct);
            }

            if (recovery == OutboxRecovery.Sweeper && plan.Value.Outbox.Count > 0 && entry is null)
            {
                // Before the commit: afterwards a crash could leave the rows with no one to send them.
                entry = await pending.MarkAsync(bookingId, causationId, ct);
                faults.Reached(FaultInjection.OutboxAfterIndex);
            }

            return plan;
        }, cancellationToken);
        commits.Record(commit);
        var (update, outboxRows, leftOver) = commit.Value;
        if (commit.Outcome == CommitOutcome.NothingToWrite && leftOver is null)
        {
            return update;
        }

        update = update with { Duplicate = leftOver is not null || commit.Outcome == CommitOutcome.Duplicate };
        if (!update.Duplicate && update.From == update.To)
        {
            logger.LogInformation("{Cause} {CausationId} leaves booking {BookingId} {Status}: the event is stale or does not change the status", cause, causationId, bookingId, update.To);
        }

        try
        {
            faults.Reached(FaultInjection.ConsumerAfterBatch);
            _ = leftOver is not null ? await outbox.SendAsync(leftOver, cancellationToken)
                : update.Duplicate ? await outbox.SendPendingAsync(bookingId, causationId, cancellationToken, entry)
                : await outbox.SendAsync(outboxRows, cancellationToken, entry);
        }
        catch (Exception ex) when (recovery == OutboxRecovery.Redelivery && (update.Duplicate || outboxRows.Count > 0))
        {
            await outbox.IndexAfterFailureAsync(bookingId, causationId, ex);
            throw;
        }

        return update;
    }

    private async Task<CommitPlan<Planned>> PlanAsync(
        string bookingId, string causationId, string cause, Func<Booking, PaymentFacts?> change, bool redelivered, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(bookingId, causationId, redelivered, cancellationToken);
        var stored = read.Find(r => r.RowKey == RowKeys.Booking)
            ?? throw new InvalidOperationException($"Booking {bookingId} does not exist (cause {causationId}).");
        var booking = Booking.FromEntity(stored);
        if (read.Exists(r => r.RowKey == RowKeys.Inbox(causationId)))
        {
            // Applied before (a redelivery): nothing to write, only what its outbox still holds to send.
            return new(new Planned(new BookingUpdate(booking.Status, booking.Status, Duplicate: true), [], [.. read.Where(r => r.RowKey.StartsWith(RowKeys.OutboxPrefix, StringComparison.Ordinal))]), null);
        }

        if (change(booking) is not { } facts)
        {
            return new(new Planned(new BookingUpdate(booking.Status, booking.Status, Duplicate: false), [], null), null);
        }

        var status = BookingStateMachine.StatusOf(facts, booking.Amount);
        var now = time.GetUtcNow();
        var inbox = new TableEntity(bookingId, RowKeys.Inbox(causationId))
        {
            ["Cause"] = cause, ["ReceivedAt"] = now, ["From"] = booking.Status.ToString(), ["To"] = status.ToString(),
        };
        StateWrite? state = null;
        var added = new List<TableEntity>();
        var merged = new List<TableEntity>();
        var outboxRows = new List<TableEntity>();
        if (!facts.Equals(booking.Facts))
        {
            var changed = booking with { Facts = facts, Status = status, UpdatedAt = now };
            state = new StateWrite(changed.ToEntity(), booking.ETag);
            merged.AddRange(RefundStatusRow.Changed(bookingId, booking.Currency, booking.Facts, facts));
            if (status != booking.Status)
            {
                var reason = status == BookingStatus.CANCELLED ? BookingStateMachine.CancellationReason(facts, booking.Amount) : null;
                added.Add(new BookingHistoryEntry(now, booking.Status, status, cause, RowKeys.Part(causationId), reason).ToEntity(bookingId));
                outboxRows.Add(OutboxRow.ToEntity(CloudEventEnvelope.ToOutboxMessage(BookingEvents.For(changed, causationId, now)), causationId));
                added.AddRange(outboxRows);
            }
        }

        return new(new Planned(new BookingUpdate(booking.Status, status, Duplicate: false), outboxRows, null), new CommitWrites(inbox, state, added, Merged: merged));
    }

    /// The booking row; for a redelivery also the cause's inbox row and outbox rows, in the same round trip (a query
    /// in one partition; a point read is the cheaper call when the cause is most likely new).
    private async Task<List<TableEntity>> ReadAsync(string bookingId, string causationId, bool redelivered, CancellationToken cancellationToken)
    {
        if (!redelivered)
        {
            return await tables.Bookings.FindAsync(bookingId, RowKeys.Booking, cancellationToken) is { } booking ? [booking] : [];
        }

        var rows = new List<TableEntity>();
        var filter = KeyFilters.InPartitionRowsOrStartingWith(bookingId, [RowKeys.Booking, RowKeys.Inbox(causationId)], RowKeys.OutboxFor(causationId));
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <paramref name="LeftOver"/>: not null when the cause was applied before, with its outbox rows still there.
    private sealed record Planned(BookingUpdate Update, IReadOnlyList<TableEntity> Outbox, IReadOnlyList<TableEntity>? LeftOver);
}

public sealed record BookingUpdate(BookingStatus From, BookingStatus To, bool Duplicate);
