using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments.StripeApi;

namespace PaymentFunctions.Hosting.Standalone.Demo;

/// GET /dev/config: what the demo page needs to start: where Stripe is and the key to confirm with (as a shop's page
/// gets its publishable key), the ticket types to book, and whether Stripe Checkout is served by this build.
public static class DemoConfigEndpoint
{
    /// The route of the Checkout function (issue 21); the page shows its button only where the function exists.
    public const string CheckoutRoute = "payments/checkout-sessions";

    public static DemoConfig Read(Catalog catalog, IOptions<StripeOptions> stripe, IOptions<DemoOptions> demo) => new(
        new DemoStripe(stripe.Value.ApiBase.GetLeftPart(UriPartial.Authority), demo.Value.StripePublishableKey),
        [.. catalog.All.Select(t => new DemoTicketType(t.TicketTypeId, t.Name, t.UnitAmount, t.Currency))],
        FunctionCatalog.All.Any(f => f.Http?.Route == CheckoutRoute));
}

public sealed record DemoConfig(DemoStripe Stripe, IReadOnlyList<DemoTicketType> TicketTypes, bool Checkout);

public sealed record DemoStripe(string ApiBase, string PublishableKey);

/// UnitAmount in minor units of Currency, as bookings show amounts.
public sealed record DemoTicketType(string Id, string Name, long UnitAmount, string Currency);
