using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// The public surface of the official attribute (azure-functions-dotnet-worker,
/// extensions/Worker.Extensions.ServiceBus/src/ServiceBusTriggerAttribute.cs, package 5.24.0), minus its
/// InputConverter for ServiceBusReceivedMessage: functions bind string or byte[] plus FunctionContext, which work
/// identically with the official package. The SDK names the binding after the class: "serviceBusTrigger".
public sealed class ServiceBusTriggerAttribute : TriggerBindingAttribute, ISupportCardinality
{
    private bool _isBatched;

    public ServiceBusTriggerAttribute(string queueName)
    {
        QueueName = queueName;
    }

    public ServiceBusTriggerAttribute(string topicName, string subscriptionName)
    {
        TopicName = topicName;
        SubscriptionName = subscriptionName;
    }

    /// The app setting (prefix) holding the connection, e.g. ServiceBusConnection__fullyQualifiedNamespace.
    public string? Connection { get; set; }

    public string? QueueName { get; }

    public string? TopicName { get; }

    public string? SubscriptionName { get; }

    public bool IsSessionsEnabled { get; set; }

    // Extensions.Abstractions' DefaultValue, as in the official attribute: the SDK reads it when writing metadata.
    [DefaultValue(false)]
    public bool IsBatched
    {
        get => _isBatched;
        set => _isBatched = value;
    }

    /// Unset: host.json's extensions.serviceBus.autoCompleteMessages decides.
    public bool AutoCompleteMessages { get; set; }

    Cardinality ISupportCardinality.Cardinality
    {
        get => _isBatched ? Cardinality.Many : Cardinality.One;
        set => _isBatched = value == Cardinality.Many;
    }
}
