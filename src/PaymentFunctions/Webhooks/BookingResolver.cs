using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;
using Stripe.Checkout;

namespace PaymentFunctions.Webhooks;

/// Finds the booking a Stripe event names, and the Checkout Session its payment belongs to. A session's own events
/// name both (client_reference_id, the session). Intents and refunds of the PaymentIntent flow name their booking in
/// metadata (nothing is read). Otherwise the PaymentIntent -> booking index written when the intent was created (or first
/// resolved), else Stripe itself: the intent's metadata covers events about charges and disputes whose objects carry
/// no booking id, and for an intent marked as made by Checkout (<see cref="CheckoutMetadata"/>), Stripe's list of
/// sessions by payment_intent says which session owns it; that answer is indexed, so each such intent asks once.
/// The Stripe client is taken only for those steps: most webhooks never need it, and building it is not free
/// (Stripe.net composes its user agent with Newtonsoft.Json and reads assembly file versions from disk).
public sealed class BookingResolver(PaymentTables tables, Lazy<StripeClient> stripe)
{
    /// A well-formed booking id, or null when the event names none. Metadata can come from anywhere on a shared
    /// Stripe account (other environments, other integrations), so the booking may still not exist: that is checked
    /// inside the webhook's transaction (<see cref="StateWrite.MustExist"/>), not by a read here - a read on every
    /// webhook for what is almost always true. Whether the booking issued the intent or session is the consumer's check.
    public async Task<BookingMatch?> ResolveAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var candidate = await CandidateAsync(stripeEvent, cancellationToken);
        return BookingIds.IsWellFormed(candidate?.BookingId) ? candidate : null;
    }

    private async Task<BookingMatch?> CandidateAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        if (stripeEvent.Data?.Object is Session session)
        {
            return Of(session);
        }

        // Our own metadata on our own intents and refunds names the booking; one marked as Checkout's needs its session.
        var metadata = StripeEventMapper.MetadataOf(stripeEvent);
        if (metadata?.GetValueOrDefault("bookingId") is { Length: > 0 } fromMetadata && !CheckoutMetadata.MarksCheckout(metadata))
        {
            return new BookingMatch(fromMetadata, null);
        }

        if (StripeEventMapper.PaymentIntentIdOf(stripeEvent) is not { Length: > 0 } intentId)
        {
            return null;
        }

        if (await IntentIndex.FindAsync(tables, intentId, cancellationToken) is { } indexed)
        {
            return new BookingMatch(indexed.BookingId, indexed.CheckoutSessionId);
        }

        try
        {
            var intentMetadata = stripeEvent.Data?.Object is PaymentIntent intent
                ? intent.Metadata
                : (await stripe.Value.V1.PaymentIntents.GetAsync(intentId, cancellationToken: cancellationToken)).Metadata;
            return CheckoutMetadata.MarksCheckout(intentMetadata)
                ? await OwningSessionAsync(intentId, intentMetadata, cancellationToken)
                : intentMetadata?.GetValueOrDefault("bookingId") is { } bookingId ? new BookingMatch(bookingId, null) : null;
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// The session Stripe says owns the intent, indexed for the intent's later events. None: the hint was wrong (or
    /// forged), and the event goes on as the intent's alone, which the booking never issued.
    private async Task<BookingMatch?> OwningSessionAsync(string intentId, Dictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var sessions = await stripe.Value.V1.Checkout.Sessions.ListAsync(OwnerListing(intentId), cancellationToken: cancellationToken);
        if (sessions.Data.FirstOrDefault() is not { } owner)
        {
            return metadata?.GetValueOrDefault("bookingId") is { } claimed ? new BookingMatch(claimed, null) : null;
        }

        var match = Of(owner);
        if (BookingIds.IsWellFormed(match?.BookingId))
        {
            await IntentIndex.RememberAsync(tables, intentId, new IndexedIntent(match!.BookingId, owner.Id), cancellationToken);
        }

        return match;
    }

    /// What the app sends to find the session that owns an intent (the contract test checks it against Stripe's spec).
    internal static SessionListOptions OwnerListing(string intentId) => new() { PaymentIntent = intentId, Limit = 1 };

    private static BookingMatch? Of(Session session) =>
        (session.ClientReferenceId ?? session.Metadata?.GetValueOrDefault("bookingId")) is { } bookingId ? new BookingMatch(bookingId, session.Id) : null;
}

/// The booking an event is about, and the Checkout Session its payment belongs to (null: the PaymentIntent flow).
public sealed record BookingMatch(string BookingId, string? CheckoutSessionId);
