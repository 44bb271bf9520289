using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// Changes a booking's payment facts exactly once per cause, through the one inbox + state + outbox commit
/// (<see cref="ExactlyOnceCommit"/>): the inbox row for the cause, the booking (ETag-checked; a lost race re-reads
/// and re-applies), a history row and the booking event in the outbox when the status changes, and the status of
/// each of our refund rows whose refund changed (<see cref="RefundStatusRow"/>). The outbox rows
/// are sent after the commit.
public sealed class BookingUpdater(
    PaymentTables tables,
    OutboxSender outbox,
    FaultInjection faults,
    TimeProvider time,
    ILogger<BookingUpdater> logger)
{
    /// <paramref name="change"/> gets the freshly read booking and returns its new facts, or null when the cause no
    /// longer applies to it (then nothing is written, not even the inbox row, so the cause may come back later).
    public async Task<BookingUpdate> ApplyAsync(
        string bookingId, string causationId, string cause, Func<Booking, PaymentFacts?> change, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var commit = await ExactlyOnceCommit.RunAsync(tables.Bookings, bookingId, ct => PlanAsync(bookingId, causationId, cause, change, ct), cancellationToken);
        var (update, outboxRows) = commit.Value;
        if (commit.Outcome == CommitOutcome.NothingToWrite)
        {
            return update;
        }

        update = update with { Duplicate = commit.Outcome == CommitOutcome.Duplicate };
        if (!update.Duplicate && update.From == update.To)
        {
            logger.LogInformation("{Cause} {CausationId} leaves booking {BookingId} {Status}: the event is stale or does not change the status", cause, causationId, bookingId, update.To);
        }

        faults.Reached(FaultInjection.ConsumerAfterBatch);
        if (update.Duplicate)
        {
            await outbox.SendPendingAsync(bookingId, causationId, cancellationToken);
        }
        else
        {
            await outbox.SendAsync(outboxRows, cancellationToken);
        }
        return update;
    }

    private async Task<CommitPlan<(BookingUpdate Update, IReadOnlyList<TableEntity> Outbox)>> PlanAsync(
        string bookingId, string causationId, string cause, Func<Booking, PaymentFacts?> change, CancellationToken cancellationToken)
    {
        var stored = await tables.Bookings.FindAsync(bookingId, RowKeys.Booking, cancellationToken)
            ?? throw new InvalidOperationException($"Booking {bookingId} does not exist (cause {causationId}).");
        var booking = Booking.FromEntity(stored);
        if (change(booking) is not { } facts)
        {
            return new((new BookingUpdate(booking.Status, booking.Status, Duplicate: false), []), null);
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
            merged.AddRange(RefundStatusRow.Changed(bookingId, booking.Facts, facts));
            if (status != booking.Status)
            {
                var reason = status == BookingStatus.CANCELLED ? BookingStateMachine.CancellationReason(facts, booking.Amount) : null;
                added.Add(new BookingHistoryEntry(now, booking.Status, status, cause, RowKeys.Part(causationId), reason).ToEntity(bookingId));
                outboxRows.Add(OutboxRow.ToEntity(CloudEventEnvelope.ToOutboxMessage(BookingEvents.For(changed, causationId, now)), causationId));
                added.AddRange(outboxRows);
            }
        }

        return new((new BookingUpdate(booking.Status, status, Duplicate: false), outboxRows), new CommitWrites(inbox, state, added, Merged: merged));
    }
}

public sealed record BookingUpdate(BookingStatus From, BookingStatus To, bool Duplicate);
