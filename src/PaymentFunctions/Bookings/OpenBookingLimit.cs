using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// At most Bookings:MaxOpenBookingsPerUser open (unpaid) bookings per user, held in storage so it holds across
/// instances: each open booking owns one of the user's N slot rows (<see cref="RowKeys.OpenBookingSlot"/>), taken by an
/// Add (a free slot) or an ETag-checked replace (a slot whose booking is no longer open), so two instances can never
/// take the same slot. Slots are freed lazily, by the next claim: a slot whose hold is over is free without a read;
/// only when all N look taken are their bookings read (in parallel) to find one paid or cancelled. A slot is taken
/// before its booking is written, so a crash in between only keeps that slot until its hold would have ended.
public sealed class OpenBookingLimit(PaymentTables tables, IOptions<BookingOptions> options)
{
    private const int MaxRaces = 10;

    /// True when the booking got a slot; false when the user already holds the maximum of open bookings.
    public async Task<bool> TryClaimAsync(Booking booking, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var max = options.Value.MaxOpenBookingsPerUser;
        var partition = RowKeys.OpenBookingsPartition(booking.UserId);
        for (var race = 1; race <= MaxRaces; race++)
        {
            var slots = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var row in tables.Lookups.QueryAsync<TableEntity>(KeyFilters.InPartition(partition), cancellationToken: cancellationToken))
            {
                slots[row.RowKey] = row;
            }

            // In random order, so that concurrent bookings of one user go for different slots instead of racing for the
            // first free one (the order decides nothing else).
            var keys = Enumerable.Range(0, max).Select(RowKeys.OpenBookingSlot).ToArray();
            Random.Shared.Shuffle(keys);
            var free = keys.FirstOrDefault(key => !slots.ContainsKey(key));
            var reusable = free is null ? await FirstNotOpenAsync([.. keys.Select(key => slots[key])], now, cancellationToken) : null;
            if (free is null && reusable is null)
            {
                return false;
            }

            var claim = new TableEntity(partition, free ?? reusable!.RowKey)
            {
                ["BookingId"] = booking.Id, ["HoldExpiresAt"] = booking.HoldExpiresAt, ["ClaimedAt"] = now,
            };
            try
            {
                await (free is not null
                    ? tables.Lookups.AddCheckedAsync(claim, cancellationToken)
                    : tables.Lookups.UpdateCheckedAsync(claim, reusable!.ETag, TableUpdateMode.Replace, cancellationToken));
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another request (on this instance or another) took that slot first: read the slots again.
            }
        }

        throw new InvalidOperationException($"The open-booking slots of the user of booking {booking.Id} kept changing ({MaxRaces} attempts).");
    }

    /// A slot whose booking no longer holds anything: its hold is over (expiry cancels it, and it cannot be paid), or
    /// it is paid, cancelled or refunded. A slot whose booking is not written yet counts as open until its hold ends.
    private async Task<TableEntity?> FirstNotOpenAsync(IReadOnlyList<TableEntity> slots, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (slots.FirstOrDefault(slot => slot.GetDateTimeOffset("HoldExpiresAt") is not { } end || end <= now) is { } over)
        {
            return over;
        }

        var bookings = await Task.WhenAll(slots.Select(slot => slot.GetString("BookingId") is { Length: > 0 } id
            ? tables.Bookings.FindAsync(id, RowKeys.Booking, cancellationToken, select: ["Status"])
            : Task.FromResult<TableEntity?>(null)));
        for (var i = 0; i < slots.Count; i++)
        {
            if (bookings[i]?.GetString("Status") is { } status && Enum.Parse<BookingStatus>(status) is not (BookingStatus.PENDING or BookingStatus.PAYMENT_FAILED))
            {
                return slots[i];
            }
        }

        return null;
    }
}
