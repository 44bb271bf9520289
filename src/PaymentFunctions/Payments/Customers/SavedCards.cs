using System.Net;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

/// The user's saved cards, read from Stripe (the card data never lives here): the cards attached to the user's one
/// customer. A card id of another user's customer is answered exactly like a missing one.
public sealed class SavedCards(StripeCustomers customers, StripeClient stripe, ILogger<SavedCards> logger)
{
    /// The user's cards, newest first; none while the user has no customer yet.
    public async Task<IReadOnlyList<SavedCardView>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        if (await customers.FindAsync(userId, cancellationToken) is not { } customer)
        {
            return [];
        }

        var cards = new List<SavedCardView>();
        await foreach (var method in stripe.V1.PaymentMethods.ListAutoPagingAsync(ListOptions(customer), cancellationToken: cancellationToken))
        {
            cards.Add(SavedCardView.Of(method));
        }

        return cards;
    }

    /// True when the card was the user's and is now detached; false when it is missing or someone else's.
    public async Task<bool> DetachAsync(string userId, string paymentMethodId, CancellationToken cancellationToken)
    {
        if (!SavedCardView.IsPaymentMethodId(paymentMethodId) || await customers.FindAsync(userId, cancellationToken) is not { } customer)
        {
            return false;
        }

        PaymentMethod method;
        try
        {
            method = await stripe.V1.PaymentMethods.GetAsync(paymentMethodId, cancellationToken: cancellationToken);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        if (method.CustomerId != customer)
        {
            return false;
        }

        await stripe.V1.PaymentMethods.DetachAsync(paymentMethodId, cancellationToken: cancellationToken);
        logger.LogInformation("Card {PaymentMethodId} detached from customer {CustomerId} by user {UserId}", paymentMethodId, customer, userId);
        return true;
    }

    /// Everything the app sends to list cards (the contract test checks it against Stripe's spec).
    internal static PaymentMethodListOptions ListOptions(string customerId) => new() { Customer = customerId, Type = "card", Limit = 100 };
}

/// GET /api/payment-methods: what the SPA shows of a saved card.
public sealed record SavedCardView(string Id, string? Brand, string? Last4, long ExpMonth, long ExpYear)
{
    public static SavedCardView Of(PaymentMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new(method.Id, method.Card?.Brand, method.Card?.Last4, method.Card?.ExpMonth ?? 0, method.Card?.ExpYear ?? 0);
    }

    /// Stripe's PaymentMethod ids: anything else is no card of ours and never reaches Stripe's URL.
    public static bool IsPaymentMethodId(string id) =>
        id.Length is > 3 and <= 100 && id.StartsWith("pm_", StringComparison.Ordinal) && id.Skip(3).All(char.IsAsciiLetterOrDigit);
}
