namespace PaymentFunctions.Clients.ServiceBus;

/// The parts of a namespace connection string this sender uses; unknown keys are ignored, as the Azure SDK does.
internal sealed record ServiceBusConnectionString(Uri Endpoint, string KeyName, string Key)
{
    public static ServiceBusConnectionString Parse(string connectionString, string topicName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: base64 keys end in '='.
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[part[..equals].Trim()] = part[(equals + 1)..].Trim();
            }
        }

        // Messages name the missing setting but never echo the connection string, which holds the key.
        var endpoint = Required(values, "Endpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri))
        {
            throw new FormatException("The Service Bus connection string's Endpoint is not an absolute address.");
        }

        if (values.TryGetValue("EntityPath", out var entityPath) && !string.IsNullOrEmpty(entityPath)
            && !string.Equals(entityPath, topicName, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The connection string is scoped to entity '{entityPath}' but the sender is for topic '{topicName}'.", nameof(topicName));
        }

        return new ServiceBusConnectionString(endpointUri, Required(values, "SharedAccessKeyName"), Required(values, "SharedAccessKey"));
    }

    // A record prints every member; this one holds the key.
    public override string ToString() => $"ServiceBusConnectionString({Endpoint}, {KeyName})";

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new FormatException($"The Service Bus connection string has no {name}.");
}
