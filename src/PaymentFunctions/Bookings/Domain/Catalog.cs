using Microsoft.Extensions.Options;

namespace PaymentFunctions.Bookings.Domain;

/// The server-side price list. Prices are converted to minor units once, at start.
public sealed class Catalog
{
    private readonly Dictionary<string, TicketPrice> _prices;

    public Catalog(IOptions<CatalogOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _prices = options.Value.TicketTypes.ToDictionary(
            t => t.Key,
            t => new TicketPrice(t.Key, t.Value.Name!, Money.ToMinorUnits(t.Value.UnitPrice!.Value, t.Value.Currency!), t.Value.Currency!.ToUpperInvariant()),
            StringComparer.Ordinal);
    }

    public TicketPrice? Find(string ticketTypeId) => _prices.GetValueOrDefault(ticketTypeId);

    /// Every ticket type, by id (the demo page lists them).
    public IReadOnlyList<TicketPrice> All => [.. _prices.Values.OrderBy(p => p.TicketTypeId, StringComparer.Ordinal)];
}

/// One ticket's price in minor units of Currency (upper-case ISO 4217).
public sealed record TicketPrice(string TicketTypeId, string Name, long UnitAmount, string Currency);
