using System.ComponentModel.DataAnnotations;
using Azure.Messaging.ServiceBus;
using PaymentFunctions.Contracts;

namespace PaymentFunctions.Messaging;

/// Section "ServiceBus".
public sealed class MessagingOptions : IValidatableObject
{
    public const string Section = "ServiceBus";

    /// "ServiceBus" (Azure Service Bus over AMQP) or "InProcess" (development only).
    [RegularExpression("^(ServiceBus|InProcess)$", ErrorMessage = "ServiceBus:Transport must be ServiceBus or InProcess.")]
    public string Transport { get; set; } = "ServiceBus";

    /// Shared access connection string; when absent, FullyQualifiedNamespace is used with DefaultAzureCredential.
    public string? ConnectionString { get; set; }

    public string? FullyQualifiedNamespace { get; set; }

    /// AMQP on port 5671, or AMQP over WebSockets on 443 where a firewall allows only HTTPS out.
    [RegularExpression("^(AmqpTcp|AmqpWebSockets)$", ErrorMessage = "ServiceBus:TransportType must be AmqpTcp or AmqpWebSockets.")]
    public string TransportType { get; set; } = nameof(ServiceBusTransportType.AmqpTcp);

    public ServiceBusRetrySettings Retry { get; set; } = new();

    /// The topics' duplicate detection window (infra/main.bicep: duplicateDetectionHistoryTimeWindow). A dead letter is
    /// requeued with its own MessageId only once the window since it was sent has passed: sooner, the topic would
    /// accept the resend and drop it without a word.
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromDays(1);

    public bool IsInProcess => Transport == "InProcess";

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsInProcess)
        {
            yield break;
        }

        // Service Bus accepts 20 s to 7 days.
        if (DuplicateDetectionWindow < TimeSpan.FromSeconds(20) || DuplicateDetectionWindow > TimeSpan.FromDays(7))
        {
            yield return new ValidationResult("ServiceBus:DuplicateDetectionWindow must be between 00:00:20 and 7.00:00:00, as the topics' duplicate detection window is.");
        }

        foreach (var problem in Retry.Problems())
        {
            yield return new ValidationResult(problem);
        }

        if (UsesConnectionString)
        {
            foreach (var problem in ConnectionStringProblems(ConnectionString!))
            {
                yield return new ValidationResult(problem);
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

    // The SDK's parser only splits the string; what the client would refuse later (no endpoint, no key, an entity
    // scope) is checked here so it fails at start. No message echoes the string: it holds the key.
    private static List<string> ConnectionStringProblems(string connectionString)
    {
        ServiceBusConnectionStringProperties parts;
        try
        {
            parts = ServiceBusConnectionStringProperties.Parse(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The SDK's messages name what is malformed, never the value.
            return [$"ServiceBus:ConnectionString could not be parsed: {ex.Message}"];
        }

        var problems = new List<string>();
        if (parts.Endpoint is null)
        {
            problems.Add("ServiceBus:ConnectionString has no Endpoint=sb://{namespace}.servicebus.windows.net/.");
        }

        var hasKey = !string.IsNullOrEmpty(parts.SharedAccessKeyName) && !string.IsNullOrEmpty(parts.SharedAccessKey);
        var hasSignature = !string.IsNullOrEmpty(parts.SharedAccessSignature);
        if (hasKey == hasSignature)
        {
            problems.Add("ServiceBus:ConnectionString needs either SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature.");
        }

        // One client sends to both topics; a string scoped to one entity cannot serve the other.
        foreach (var topic in new[] { EventTypes.PaymentsTopic, EventTypes.BookingsTopic })
        {
            if (!string.IsNullOrEmpty(parts.EntityPath) && !string.Equals(parts.EntityPath, topic, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"ServiceBus:ConnectionString is not usable for topic '{topic}': it is scoped to entity '{parts.EntityPath}' (EntityPath).");
            }
        }

        return problems;
    }
}
