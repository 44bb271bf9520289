using System.Net;
using PaymentFunctions.Bookings;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using PaymentFunctions.Hosting;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Finds the booking a Stripe event belongs to: the intent's metadata (we always set bookingId), else the
/// PaymentIntent -> booking index written when the intent was created, else Stripe itself (the intent's
/// metadata), which covers events about charges and disputes whose objects carry no booking id.
public sealed class BookingResolver(PaymentTables tables, StripeClient stripe)
{
    /// The booking id, or null when the event is not about a booking of ours: metadata can come from anywhere on
    /// a shared Stripe account (other environments, other integrations), so an id must be well-formed and exist.
    public async Task<string?> ResolveAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var candidate = await CandidateAsync(stripeEvent, cancellationToken);
        return BookingIds.IsWellFormed(candidate)
            && await tables.Bookings.FindAsync(candidate!, RowKeys.Booking, cancellationToken, ["PartitionKey"]) is not null
            ? candidate
            : null;
    }

    private async Task<string?> CandidateAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        if (StripeEventMapper.BookingIdFromMetadata(stripeEvent) is { Length: > 0 } fromMetadata)
        {
            return fromMetadata;
        }

        if (StripeEventMapper.PaymentIntentIdOf(stripeEvent) is not { Length: > 0 } intentId)
        {
            return null;
        }

        if (await IntentIndex.FindBookingAsync(tables, intentId, cancellationToken) is { } indexed)
        {
            return indexed;
        }

        try
        {
            var intent = await stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken);
            return intent.Metadata?.GetValueOrDefault("bookingId");
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
