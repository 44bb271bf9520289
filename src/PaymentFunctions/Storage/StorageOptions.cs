using System.ComponentModel.DataAnnotations;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

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

        if (!string.IsNullOrWhiteSpace(ConnectionString) && !IsUsable(ConnectionString))
        {
            // The SDK's parser message can quote a fragment of the string (which holds the key): never pass it on.
            yield return new ValidationResult(
                "Storage:ConnectionString is not usable: it must be UseDevelopmentStorage=true or a storage connection string with AccountName and a base64 AccountKey (or a SAS).");
        }
    }

    /// The SDK parses the string when the client is built (no request is sent), so start-up fails, not the first request.
    private static bool IsUsable(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or UriFormatException)
        {
            return false;
        }
    }
}
