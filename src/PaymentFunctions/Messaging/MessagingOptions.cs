using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Messaging;

/// Section "ServiceBus".
public sealed class MessagingOptions : IValidatableObject
{
    public const string Section = "ServiceBus";

    /// "ServiceBus" (Azure Service Bus over REST) or "InProcess" (development only).
    [RegularExpression("^(ServiceBus|InProcess)$", ErrorMessage = "ServiceBus:Transport must be ServiceBus or InProcess.")]
    public string Transport { get; set; } = "ServiceBus";

    /// SAS connection string; when absent, FullyQualifiedNamespace is used with the managed identity.
    public string? ConnectionString { get; set; }

    public string? FullyQualifiedNamespace { get; set; }

    public bool IsInProcess => Transport == "InProcess";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsInProcess && string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            yield return new ValidationResult("ServiceBus:ConnectionString or ServiceBus:FullyQualifiedNamespace is required when ServiceBus:Transport is ServiceBus.");
        }
    }
}
