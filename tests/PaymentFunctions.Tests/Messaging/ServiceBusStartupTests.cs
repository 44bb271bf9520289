using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentFunctions.Messaging;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Hosting.StartupConfigurationTests;

namespace PaymentFunctions.Tests.Messaging;

/// The Service Bus client as the app builds it from configuration. Building one opens no connection, so these
/// run against a namespace that does not exist.
public sealed class ServiceBusStartupTests
{
    private const string Key = "c2VjcmV0LWtleS1uZXZlci1sb2dnZWQ=";

    [Theory]
    [InlineData("ServiceBus:TransportType", "Carrier-Pigeon", "ServiceBus:TransportType must be AmqpTcp or AmqpWebSockets.")]
    [InlineData("ServiceBus:Retry:MaxRetries", "-1", "ServiceBus:Retry:MaxRetries must be between 0 and 10.")]
    [InlineData("ServiceBus:Retry:Delay", "00:00:00", "ServiceBus:Retry:Delay must be between 00:00:00.001 and 00:00:30.")]
    [InlineData("ServiceBus:Retry:MaxDelay", "00:00:00.100", "ServiceBus:Retry:MaxDelay must be at least ServiceBus:Retry:Delay and at most 00:01:00.")]
    [InlineData("ServiceBus:Retry:TryTimeout", "00:00:00", "ServiceBus:Retry:TryTimeout must be more than zero and at most 00:01:00.")]
    [InlineData("ServiceBus:FullyQualifiedNamespace", "https://example.servicebus.windows.net/", "ServiceBus:FullyQualifiedNamespace must be a host name such as mynamespace.servicebus.windows.net (no scheme, no path).")]
    [InlineData("ServiceBus:ConnectionString", "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send", "ServiceBus:ConnectionString needs either SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature.")]
    [InlineData("ServiceBus:ConnectionString", "SharedAccessKeyName=send;SharedAccessKey=" + Key, "ServiceBus:ConnectionString has no Endpoint=sb://{namespace}.servicebus.windows.net/.")]
    [InlineData("ServiceBus:ConnectionString", "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Key + ";SharedAccessSignature=SharedAccessSignature sr=x", "ServiceBus:ConnectionString needs either SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature.")]
    [InlineData("ServiceBus:ConnectionString", "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Key + ";EntityPath=payments", "ServiceBus:ConnectionString is not usable for topic 'bookings': it is scoped to entity 'payments' (EntityPath).")]
    public void ABadServiceBusSettingFailsStartUpNamingIt(string key, string value, string failure)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var error = ValidationErrorOf(FailedStart.Of("Production", settings));

        Assert.Equal(typeof(MessagingOptions), error.OptionsType);
        // ValidateDataAnnotations wraps each message: "... members: '' with the error: '{message}'."
        Assert.Contains(error.Failures, f => f.EndsWith($" with the error: '{failure}'.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ServiceBus:Retry:Delay", "soon")]
    [InlineData("ServiceBus:Retry:MaxRetries", "a few")]
    public void AnUnreadableRetrySettingFailsStartUpNamingIt(string key, string value)
    {
        var settings = ValidSettings();
        settings[key] = value;

        // The configuration binder refuses it before validation runs; its message names the setting.
        var error = Assert.IsAssignableFrom<InvalidOperationException>(FailedStart.Of("Production", settings));

        Assert.StartsWith($"Failed to convert configuration value '{value}' at '{key}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Key + ";EntityPath=payments")]
    [InlineData("Endpoint=sb://example.servicebus.windows.net/;SharedAccessKey=" + Key + ";not-a-pair")]
    public void AnUnusableConnectionStringIsRefusedWithoutEchoingItsKey(string connectionString)
    {
        var settings = ValidSettings();
        settings["ServiceBus:ConnectionString"] = connectionString;

        var error = ValidationErrorOf(FailedStart.Of("Production", settings));

        Assert.Contains(error.Failures, f => f.Contains(" with the error: 'ServiceBus:ConnectionString ", StringComparison.Ordinal));
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheInProcessTransportIsRefusedWhereNoFunctionSubscribesToIt()
    {
        // The app's registration without the standalone host, as the Functions-host mode runs it: its Service Bus
        // trigger reads Azure Service Bus, so whatever the in-process transport accepted would be lost.
        var settings = new Dictionary<string, string?>
        {
            ["ServiceBus:Transport"] = "InProcess",
            ["Stripe:SecretKey"] = "sk_test_config_check",
            ["Stripe:WebhookSecrets:0"] = "whsec_config_check",
        };

        var error = ValidationErrorOf(FailedStart.Of("Development", settings));

        Assert.Equal(typeof(MessagingOptions), error.OptionsType);
        Assert.Equal(["ServiceBus:Transport=InProcess works only in the standalone host: under the Functions host nothing receives what it publishes; use ServiceBus:Transport=ServiceBus."], error.Failures);
    }

    [Fact]
    public void TheClientUsesTheConfiguredNamespaceTransportAndRetryOptions()
    {
        var settings = ValidSettings();
        settings["ServiceBus:TransportType"] = "AmqpWebSockets";
        settings["ServiceBus:Retry:MaxRetries"] = "1";
        settings["ServiceBus:Retry:Delay"] = "00:00:00.100";
        settings["ServiceBus:Retry:MaxDelay"] = "00:00:00.500";
        settings["ServiceBus:Retry:TryTimeout"] = "00:00:03";
        using var factory = Start("Production", settings);

        var client = factory.Services.GetRequiredService<ServiceBusClient>();
        var retry = ServiceBusClientFactory.ClientOptions(factory.Services.GetRequiredService<IOptions<MessagingOptions>>().Value).RetryOptions;

        Assert.Equal("example.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.Equal(ServiceBusTransportType.AmqpWebSockets, client.TransportType);
        Assert.Equal(
            (ServiceBusRetryMode.Exponential, 1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3)),
            (retry.Mode, retry.MaxRetries, retry.Delay, retry.MaxDelay, retry.TryTimeout));
    }

    [Fact]
    public void ByDefaultTheClientSpeaksAmqpOverTcpAndGivesUpWellBeforeTheWebhookDeadline()
    {
        var settings = ValidSettings();
        settings["ServiceBus:FullyQualifiedNamespace"] = null;
        settings["ServiceBus:ConnectionString"] = "Endpoint=sb://other.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Key;
        using var factory = Start("Production", settings);

        var client = factory.Services.GetRequiredService<ServiceBusClient>();
        var retry = ServiceBusClientFactory.ClientOptions(factory.Services.GetRequiredService<IOptions<MessagingOptions>>().Value).RetryOptions;

        Assert.Equal("other.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.Equal(ServiceBusTransportType.AmqpTcp, client.TransportType);
        Assert.Equal(
            (ServiceBusRetryMode.Exponential, 2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)),
            (retry.Mode, retry.MaxRetries, retry.Delay, retry.MaxDelay, retry.TryTimeout));
        // 3 tries and the two back-offs (2^n x Delay, capped, plus at most 8 % jitter) fit Stripe:WebhookTimeoutSeconds = 10.
        var worstCase = (retry.TryTimeout * (retry.MaxRetries + 1)) + Enumerable.Range(1, retry.MaxRetries)
            .Select(n => TimeSpan.FromTicks(Math.Min(retry.MaxDelay.Ticks, (long)((Math.Pow(2, n) + 0.08) * retry.Delay.Ticks))))
            .Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.True(worstCase < TimeSpan.FromSeconds(8), $"worst case {worstCase}");
    }

    [Fact]
    public async Task TheOneClientIsASingletonClosedWithTheHost()
    {
        var factory = Start("Production", ValidSettings());
        var client = factory.Services.GetRequiredService<ServiceBusClient>();
        Assert.IsType<ServiceBusTopicPublisher>(factory.Services.GetRequiredService<ITopicPublisher>());
        Assert.Same(client, factory.Services.GetRequiredService<ServiceBusClient>());
        Assert.False(client.IsClosed);

        await factory.DisposeAsync();

        // Program's app.Run() disposes the host (and so the container) on its own thread once the host stopped.
        await TestBookings.EventuallyAsync(() => Task.FromResult(client.IsClosed), closed => closed, "the ServiceBusClient to be closed with the host");
    }

    // Host start may wrap the options failure; the test wants that failure itself, not a substring of a trace.
    private static OptionsValidationException ValidationErrorOf(Exception error) => FailedStart.ValidationErrorOf(error);
}
