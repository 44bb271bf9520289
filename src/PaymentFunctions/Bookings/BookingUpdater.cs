using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Hosting;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Bookings;

/// Changes a booking's payment facts exactly once per cause. One batch in the booking's partition: the inbox
/// row for the cause, the booking (ETag-checked; a lost race re-reads and re-applies), a history row and the
/// booking event in the outbox when the status changes. The outbox rows are sent after the commit.
public sealed class BookingUpdater(
    PaymentTables tables,
    OutboxSender outbox,
    FaultInjection faults,
    TimeProvider time,
    ILogger<BookingUpdater> logger)
{
    private const int MaxAttempts = 10;

    /// <paramref name="change"/> gets the freshly read booking and returns its new facts, or null when the cause no
    /// longer applies to it (then nothing is written, not even the inbox row, so the cause may come back later).
    public async Task<BookingUpdate> ApplyAsync(
        string bookingId, string causationId, string cause, Func<Booking, PaymentFacts?> change, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        BookingUpdate update;
        List<TableEntity> outboxRows;
        for (var attempt = 1; ; attempt++)
        {
            var stored = await tables.Bookings.GetEntityAsync(bookingId, Booking.RowKey, ct: cancellationToken)
                ?? throw new InvalidOperationException($"Booking {bookingId} does not exist (cause {causationId}).");
            var booking = Booking.FromEntity(stored);
            if (change(booking) is not { } facts)
            {
                return new BookingUpdate(booking.Status, booking.Status, Duplicate: false);
            }

            var status = BookingStateMachine.StatusOf(facts, booking.Amount);
            var now = time.GetUtcNow();
            update = new BookingUpdate(booking.Status, status, Duplicate: false);
            outboxRows = [];

            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, new TableEntity(bookingId, "inbox|" + RowKeyPart.Safe(causationId))
                {
                    ["Cause"] = cause, ["ReceivedAt"] = now, ["From"] = booking.Status.ToString(), ["To"] = status.ToString(),
                }),
            };
            if (!facts.Equals(booking.Facts))
            {
                var changed = booking with { Facts = facts, Status = status, UpdatedAt = now };
                actions.Add(new(TableTransactionActionType.UpdateReplace, changed.ToEntity(), booking.ETag));
                if (status != booking.Status)
                {
                    var reason = status == BookingStatus.CANCELLED ? BookingStateMachine.CancellationReason(facts, booking.Amount) : null;
                    actions.Add(new(TableTransactionActionType.Add, new BookingHistoryEntry(now, booking.Status, status, cause, RowKeyPart.Safe(causationId), reason).ToEntity(bookingId)));
                    var bookingEvent = BookingEvents.For(changed, causationId, now);
                    outboxRows.Add(OutboxRow.ToEntity(CloudEventEnvelope.ToOutboxMessage(bookingEvent), RowKeyPart.Safe(causationId)));
                    actions.Add(new(TableTransactionActionType.Add, outboxRows[^1]));
                }
            }

            var result = await tables.Bookings.SubmitTransactionAsync(actions, cancellationToken);
            if (result.Succeeded)
            {
                break;
            }

            if (result.FailedActionIndex == 0 && result.FailedOutcome == TableWriteOutcome.AlreadyExists)
            {
                update = update with { Duplicate = true };
                break;
            }

            if (result.FailedActionIndex == 1 && result.FailedOutcome == TableWriteOutcome.PreconditionFailed && attempt < MaxAttempts)
            {
                continue;
            }

            throw new InvalidOperationException($"Updating booking {bookingId} for {causationId} failed at action {result.FailedActionIndex}: {result.FailedStatus} {result.ErrorCode}.");
        }

        if (!update.Duplicate && update.From == update.To)
        {
            logger.LogInformation("{Cause} {CausationId} leaves booking {BookingId} {Status}: the event is stale or does not change the status", cause, causationId, bookingId, update.To);
        }

        faults.Reached(FaultInjection.ConsumerAfterBatch);
        if (update.Duplicate)
        {
            await outbox.SendPendingAsync(bookingId, RowKeyPart.Safe(causationId), cancellationToken);
        }
        else
        {
            await outbox.SendAsync(outboxRows, cancellationToken);
        }
        return update;
    }
}

public sealed record BookingUpdate(BookingStatus From, BookingStatus To, bool Duplicate);
