using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// One status change of a booking ("history|..." rows in the booking's partition, written in the same batch
/// as the change itself, so the history can never disagree with the status).
public sealed record BookingHistoryEntry(DateTimeOffset At, BookingStatus? From, BookingStatus To, string Cause, string CausationId, string? Reason)
{
    public TableEntity ToEntity(string bookingId) =>
        new(bookingId, RowKeys.History(At, CausationId))
        {
            ["At"] = At,
            ["From"] = From?.ToString(),
            ["To"] = To.ToString(),
            ["Cause"] = Cause,
            ["CausationId"] = CausationId,
            ["Reason"] = Reason,
        };

    public static BookingHistoryEntry FromEntity(TableEntity entity) => new(
        entity.GetDateTimeOffset("At") ?? default,
        entity.GetString("From") is { Length: > 0 } from ? Enum.Parse<BookingStatus>(from) : null,
        Enum.Parse<BookingStatus>(entity.GetString("To")!),
        entity.GetString("Cause") ?? "",
        entity.GetString("CausationId") ?? "",
        entity.GetString("Reason"));
}
