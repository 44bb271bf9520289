using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Payments;

/// What the SPA polls after Stripe.js confirmed: the booking's status and the payment state folded from the webhooks'
/// fact rows - those of the PaymentIntents and Checkout Sessions the booking issued only. The webhook stores a fact for every intent whose
/// metadata names the booking, and anything on the same Stripe account can set that metadata: a stranger's paid
/// intent must not show the booking as paid here while the consumer leaves it PENDING (<see cref="IssuedIntents"/>).
/// One round trip: a query in the booking's partition for the booking row, its intent rows and its fact rows.
public sealed class PaymentStatusReader(PaymentTables tables)
{
    public async Task<PaymentStatusView?> ReadAsync(string userId, string bookingId, CancellationToken cancellationToken)
    {
        if (!BookingIds.IsWellFormed(bookingId))
        {
            return null;
        }

        await tables.EnsureCreatedAsync(cancellationToken);
        Booking? booking = null;
        var intentRowIds = new List<string>();
        var facts = new List<PaymentEvent>();
        var filter = KeyFilters.InPartitionRowsOrStartingWith(bookingId, [RowKeys.Booking], RowKeys.IntentPrefix, RowKeys.PaymentFactPrefix);
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == RowKeys.Booking)
            {
                booking = Booking.FromEntity(row);
            }
            else if (row.RowKey.StartsWith(RowKeys.IntentPrefix, StringComparison.Ordinal))
            {
                intentRowIds.AddRange(IssuedIntents.IdsOf(row));
            }
            else
            {
                facts.Add(PaymentState.EventOf(row));
            }
        }

        // Another user's booking gets the same answer as a missing one.
        if (booking is null || booking.UserId != userId)
        {
            return null;
        }

        var issued = IssuedIntents.Of(booking, intentRowIds);
        var payment = PaymentState.Fold(facts.Where(e => IssuedIntents.Covers(issued, e))) is { } state ? PaymentView.Of(state) : null;
        return new PaymentStatusView(booking.Id, booking.Status, booking.Amount, booking.Currency, booking.PaymentIntentId, payment);
    }
}
