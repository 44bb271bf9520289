using System.Globalization;
using Microsoft.Extensions.Options;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Bookings;

/// Cancels bookings left unpaid past their hold time: first the open PaymentIntent at Stripe (so the customer
/// can no longer pay for seats we release), then the booking itself through the same exactly-once update.
/// If Stripe says the intent already succeeded, the booking is left alone: the success event will confirm it.
public sealed class BookingExpiry(
    PaymentTables tables,
    StripeClient stripe,
    BookingUpdater updater,
    TimeProvider time,
    ILogger<BookingExpiry> logger)
{
    public const string Name = "BookingExpiry";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var filter = $"RowKey eq '{Booking.RowKey}' and (Status eq 'PENDING' or Status eq 'PAYMENT_FAILED') and HoldExpiresAt lt datetime'{now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)}'";
        var expired = 0;
        await foreach (var entity in tables.Bookings.QueryAsync(filter, ct: cancellationToken))
        {
            var booking = Booking.FromEntity(entity);
            if (booking.PaymentIntentId is { } intentId && !await CancelIntentAsync(booking.Id, intentId, cancellationToken))
            {
                continue;
            }

            var causationId = $"expiry:{booking.Id}";
            var update = await updater.ApplyAsync(booking.Id, causationId, "booking.expired", facts => BookingStateMachine.Expire(facts, now, causationId), cancellationToken);
            if (update.To == BookingStatus.CANCELLED && update.From != BookingStatus.CANCELLED)
            {
                expired++;
            }
        }

        return expired;
    }

    private async Task<bool> CancelIntentAsync(string bookingId, string intentId, CancellationToken cancellationToken)
    {
        try
        {
            var intent = await stripe.CancelPaymentIntentAsync(intentId, "abandoned", $"pi-cancel:{intentId}", cancellationToken);
            return intent.Status == "canceled";
        }
        catch (StripeException ex) when (ex.Status == 400 && ex.Error?.Code == "payment_intent_unexpected_state")
        {
            var intent = await stripe.GetPaymentIntentAsync(intentId, cancellationToken);
            logger.LogInformation("Booking {BookingId} not expired: its intent {IntentId} is {Status}", bookingId, intentId, intent.Status);
            return intent.Status == "canceled";
        }
    }
}
