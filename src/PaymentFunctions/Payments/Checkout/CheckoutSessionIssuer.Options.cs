using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using PaymentFunctions.Bookings;
using PaymentFunctions.Payments.StripeApi;
using Stripe.Checkout;

namespace PaymentFunctions.Payments.Checkout;

/// What Stripe is told about a booking's session: all of it derived from the booking and the caller's return path, so
/// that a retry under the same key sends the same.
public sealed partial class CheckoutSessionIssuer
{
    /// Stripe's own expiry of the session: the backstop after the hold's end, within Stripe's 24 hours.
    internal static DateTimeOffset ExpiresAt(Booking booking) =>
        new[] { booking.HoldExpiresAt + StripeExpiryAfterHold, booking.CreatedAt + StripeLongestLifetime }.Min();

    /// Everything the app sends to create a session (the contract test checks it against Stripe's spec).
    [SuppressMessage("Globalization", "CA1308:Normalize strings to uppercase", Justification = "Stripe's wire format is lower case.")]
    internal static SessionCreateOptions CreateOptions(Booking booking, string productName, string customerId, string successUrl, string cancelUrl)
    {
        // The booking's amount is the catalogue's unit price times the quantity, fixed when it was booked.
        if (booking.Quantity < 1 || booking.Amount % booking.Quantity != 0)
        {
            throw new InvalidOperationException($"Booking {booking.Id} costs {booking.Amount}, which is not {booking.Quantity} equal tickets.");
        }

        var metadata = new Dictionary<string, string> { ["bookingId"] = booking.Id, ["userId"] = booking.UserId };
        return new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = booking.Id,
            Customer = customerId,
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = booking.Quantity,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = booking.Currency.ToLowerInvariant(),
                        UnitAmount = booking.Amount / booking.Quantity,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = productName },
                    },
                },
            ],
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions
            {
                Metadata = new Dictionary<string, string>(metadata) { [CheckoutMetadata.FlowKey] = CheckoutMetadata.CheckoutFlow },
                Description = $"Booking {booking.Id}: {booking.Quantity} x {booking.TicketTypeId}",
            },
            SuccessUrl = successUrl,
            CancelUrl = cancelUrl,
            ExpiresAt = ExpiresAt(booking).UtcDateTime,
        };
    }

    public static string IdempotencyKey(string bookingId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"cs-create:{bookingId}:{attempt}");
}
