using System.ComponentModel.DataAnnotations;
using PaymentFunctions.Clients.ServiceBus;

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

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsInProcess)
        {
            yield break;
        }

        if (UsesConnectionString)
        {
            // Parsed for both topics now, so a key scoped to one topic (EntityPath) fails here, not at the first send.
            foreach (var topic in new[] { EventTypes.PaymentsTopic, EventTypes.BookingsTopic })
            {
                if (Problem(() => ServiceBusConnectionString.Parse(ConnectionString!, topic)) is { } problem)
                {
                    yield return new ValidationResult($"ServiceBus:ConnectionString is not usable for topic '{topic}': {problem}");
                }
            }
        }
        else if (string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            yield return new ValidationResult("ServiceBus:ConnectionString or ServiceBus:FullyQualifiedNamespace is required when ServiceBus:Transport is ServiceBus.");
        }
        else if (Uri.CheckHostName(FullyQualifiedNamespace) != UriHostNameType.Dns)
        {
            yield return new ValidationResult("ServiceBus:FullyQualifiedNamespace must be a host name such as mynamespace.servicebus.windows.net (no scheme, no path).");
        }
    }

    // The parsers' messages name the missing part and never echo the connection string (it holds the key).
    private static string? Problem(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return ex.Message;
        }
    }
}
