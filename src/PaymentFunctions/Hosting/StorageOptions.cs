using System.ComponentModel.DataAnnotations;
using PaymentFunctions.Clients.Tables;

namespace PaymentFunctions.Hosting;

/// Section "Storage". Either a connection string (Shared Key; "UseDevelopmentStorage=true" for Azurite) or, in
/// Azure, the table endpoint with the managed identity (Entra ID; the key never exists in configuration).
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? TableEndpoint { get; set; }

    /// Prepended to every table name, so several environments can share one account.
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$|^$", ErrorMessage = "Storage:TablePrefix must be letters and digits, starting with a letter.")]
    public string TablePrefix { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) == (TableEndpoint is null))
        {
            yield return new ValidationResult("Set exactly one of Storage:ConnectionString or Storage:TableEndpoint.");
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            string? problem = null;
            try
            {
                _ = TableConnectionString.Parse(ConnectionString);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                problem = ex.Message; // the parser never echoes the connection string (it holds the key)
            }

            if (problem is not null)
            {
                yield return new ValidationResult($"Storage:ConnectionString is not usable: {problem}");
            }
        }
    }
}
