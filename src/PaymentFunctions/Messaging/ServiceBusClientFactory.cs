using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace PaymentFunctions.Messaging;

/// Builds the app's one ServiceBusClient from validated MessagingOptions. It holds one AMQP connection that
/// every sender shares; the container disposes it with the host (it is an IAsyncDisposable singleton), which
/// closes that connection. Creating it opens nothing: the connection opens on the first send.
public static class ServiceBusClientFactory
{
    public static ServiceBusClientOptions ClientOptions(MessagingOptions options) => new()
    {
        TransportType = Enum.Parse<ServiceBusTransportType>(options.TransportType),
        RetryOptions = options.Retry.ToSdkOptions(),
    };

    public static ServiceBusClient Create(MessagingOptions options) => options.UsesConnectionString
        ? new ServiceBusClient(options.ConnectionString, ClientOptions(options))
        : new ServiceBusClient(options.FullyQualifiedNamespace, new DefaultAzureCredential(), ClientOptions(options));
}
