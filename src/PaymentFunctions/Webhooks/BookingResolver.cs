using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Finds the booking a Stripe event names: the intent's metadata (we always set bookingId), else the
/// PaymentIntent -> booking index written when the intent was created, else Stripe itself (the intent's
/// metadata), which covers events about charges and disputes whose objects carry no booking id.
/// The Stripe client is taken only for that last step: most webhooks never need it, and building it is not free
/// (Stripe.net composes its user agent with Newtonsoft.Json and reads assembly file versions from disk).
public sealed class BookingResolver(PaymentTables tables, Lazy<StripeClient> stripe)
{
    /// A well-formed booking id, or null when the event names none. Metadata can come from anywhere on a shared
    /// Stripe account (other environments, other integrations), so the booking may still not exist: that is checked
    /// inside the webhook's transaction (<see cref="StateWrite.MustExist"/>), not by a read here - a read on every
    /// webhook for what is almost always true.
    public async Task<string?> ResolveAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var candidate = await CandidateAsync(stripeEvent, cancellationToken);
        return BookingIds.IsWellFormed(candidate) ? candidate : null;
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
            var intent = await stripe.Value.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken);
            return intent.Metadata?.GetValueOrDefault("bookingId");
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
