using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// What the SPA polls after Stripe.js confirmed: the booking's status and the payment state folded from the webhooks' fact rows.
public sealed class PaymentStatusReader(PaymentTables tables, BookingService bookings)
{
    public async Task<PaymentStatusView?> ReadAsync(string userId, string bookingId, CancellationToken cancellationToken)
    {
        if (await bookings.FindOwnedAsync(userId, bookingId, cancellationToken) is not { } booking)
        {
            return null;
        }

        var payment = await PaymentState.ReadAsync(tables, booking.Id, cancellationToken) is { } state ? PaymentView.Of(state) : null;
        return new PaymentStatusView(booking.Id, booking.Status, booking.Amount, booking.Currency, booking.PaymentIntentId, payment);
    }
}
