using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Bookings.Domain;

/// Section "Catalog": Catalog:TicketTypes:{id}:{Name,UnitPrice,Currency}, prices in major units as people
/// write them (25.00 EUR, 5000 JPY, 12.500 BHD). Every price must convert exactly to Stripe's minor units,
/// checked at start, so a typo fails the deployment rather than a customer's payment.
public sealed class CatalogOptions : IValidatableObject
{
    public const string Section = "Catalog";

    public Dictionary<string, TicketTypeOptions> TicketTypes { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TicketTypes.Count == 0)
        {
            yield return new ValidationResult("Catalog:TicketTypes is empty: configure at least one ticket type (Catalog:TicketTypes:{id}:Name, UnitPrice, Currency).");
        }

        foreach (var (id, ticket) in TicketTypes)
        {
            var setting = $"Catalog:TicketTypes:{id}";
            if (!BookingIds.IsKeySafe(id) || id.Length > 64)
            {
                yield return new ValidationResult($"{setting}: ticket type ids must be at most 64 letters, digits, '-' or '_'.");
            }

            if (string.IsNullOrWhiteSpace(ticket.Name))
            {
                yield return new ValidationResult($"{setting}:Name is required.");
            }

            if (ticket.UnitPrice is not > 0)
            {
                yield return new ValidationResult($"{setting}:UnitPrice must be a positive amount in major units (e.g. 25.00).");
                continue;
            }

            string? error = null;
            try
            {
                Money.ToMinorUnits(ticket.UnitPrice.Value, ticket.Currency ?? "");
            }
            catch (ArgumentException ex)
            {
                error = ex.Message;
            }
            catch (OverflowException)
            {
                error = "the amount is too large";
            }

            if (error is not null)
            {
                yield return new ValidationResult($"{setting}:UnitPrice/Currency cannot be charged: {error}");
            }
        }
    }
}

public sealed class TicketTypeOptions
{
    public string? Name { get; set; }

    public decimal? UnitPrice { get; set; }

    public string? Currency { get; set; }
}
