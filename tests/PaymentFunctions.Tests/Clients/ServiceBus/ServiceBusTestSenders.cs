using Azure.Core;
using Azure.Core.Pipeline;
using PaymentFunctions.Clients.ServiceBus;
using PaymentFunctions.Tests.Fakes;

namespace PaymentFunctions.Tests.Clients.ServiceBus;

internal static class ServiceBusTestSenders
{
    /// Options with millisecond back-off so retry tests do not sleep.
    public static ServiceBusSenderOptions FastRetries(TimeProvider? clock = null, HttpPipelineTransport? transport = null)
    {
        var options = new ServiceBusSenderOptions { TimeProvider = clock ?? TimeProvider.System };
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxRetries = 3;
        if (transport is not null)
        {
            options.Transport = transport;
        }

        return options;
    }

    public static ServiceBusSender Sender(FakeServiceBus fake, string topic, ServiceBusSenderOptions? options = null) =>
        new(fake.ConnectionString, topic, options ?? FastRetries());
}
