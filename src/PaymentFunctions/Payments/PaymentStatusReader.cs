using PaymentFunctions.Bookings;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// What the SPA polls after Stripe.js confirmed: the booking's status and the webhook-maintained payment row.
public sealed class PaymentStatusReader(PaymentTables tables, BookingService bookings)
{
    public async Task<PaymentStatusView?> ReadAsync(string userId, string bookingId, CancellationToken cancellationToken)
    {
        if (await bookings.FindOwnedAsync(userId, bookingId, cancellationToken) is not { } booking)
        {
            return null;
        }

        var row = await tables.Bookings.FindAsync(booking.Id, RowKeys.Payment, cancellationToken);
        var payment = row is null ? null : PaymentView.Of(PaymentState.FromEntity(row));
        return new PaymentStatusView(booking.Id, booking.Status, booking.Amount, booking.Currency, booking.PaymentIntentId, payment);
    }
}
