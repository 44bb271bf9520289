using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PaymentFunctions.Bookings;
using PaymentFunctions.Contracts;
using PaymentFunctions.Hosting;
using PaymentFunctions.Hosting.Standalone;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task TheBookingConsumersLogsCarryTheMessageBookingAndStripeEventIdsAsScopes()
    {
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true);
        var booking = await TestBookings.SeedAsync(host, paymentIntentId: "pi_t");
        var paymentEvent = PaymentEventsForTests.Succeeded(booking.Id, DateTimeOffset.UtcNow);
        var message = CloudEventEnvelope.ToOutboxMessage(paymentEvent);
        var capture = new ScopeCapture();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(capture));
        var consumer = new PaymentEventConsumer(host.Services.GetRequiredService<BookingUpdater>(), host.Tables, TimeProvider.System, loggers.CreateLogger<PaymentEventConsumer>());
        var function = new BookingPaymentEventsFunction(consumer, host.Services.GetRequiredService<MessagingMetrics>(), TimeProvider.System, loggers.CreateLogger<BookingPaymentEventsFunction>());
        var context = new StandaloneFunctionContext(BookingPaymentEventsFunction.Name, host.Services, new Dictionary<string, object?> { ["MessageId"] = message.MessageId, ["DeliveryCount"] = "1" }, CancellationToken.None);

        await function.RunAsync(Encoding.UTF8.GetBytes(message.Body), context, CancellationToken.None);

        var applied = Assert.Single(capture.Records, r => r.Message.Contains("CONFIRMED", StringComparison.Ordinal));
        Assert.Equal(message.MessageId, applied.Scopes["MessageId"]);
        Assert.Equal(booking.Id, applied.Scopes["BookingId"]);
        Assert.Equal(paymentEvent.StripeEventId, applied.Scopes["StripeEventId"]);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/", true)]
    public void AzureMonitorIsWiredOnlyWhenApplicationInsightsIsConfigured(string? connectionString, bool wired)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [ObservabilitySetup.ConnectionStringSetting] = connectionString });

        builder.AddAzureMonitor();

        Assert.Equal(wired, builder.Services.Any(d => d.ServiceType.FullName == "OpenTelemetry.Trace.TracerProvider"));
    }

    [Fact]
    public async Task WithAnOtlpEndpointSetTheMetricsArePushedThereAsOtlpProtobuf()
    {
        // A collector stand-in on loopback: what arrives at /v1/metrics, and its content type.
        var received = new TaskCompletionSource<(string? ContentType, byte[] Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = WebApplication.CreateSlimBuilder();
        collector.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
        await using var collectorApp = collector.Build();
        collectorApp.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.TrySetResult((request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await collectorApp.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ObservabilitySetup.OtlpEndpointSetting] = collectorApp.Urls.First(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["Storage:ConnectionString"] = (await AzuriteServer.Shared).ConnectionString,
            ["Storage:TablePrefix"] = "o" + Guid.NewGuid().ToString("N")[..10],
            ["ServiceBus:Transport"] = "InProcess",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddSingleton(TimeProvider.System).AddStorage().AddMessaging(configuration);
        services.AddMetricsExport(configuration);
        await using var provider = services.BuildServiceProvider();
        // What a host does as it starts: the metrics rules take effect (they subscribe OpenTelemetry to the meters).
        provider.GetRequiredService<IStartupValidator>().Validate();
        var meterProvider = provider.GetRequiredService<MeterProvider>();

        provider.GetRequiredService<MessagingMetrics>().Sent(EventTypes.PaymentsTopic, 1);
        meterProvider.ForceFlush();

        var (contentType, body) = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("application/x-protobuf", contentType);
        Assert.Contains("messaging.client.sent.messages", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.Contains(services, d => d.ImplementationType == typeof(OutboxBacklogRefresh));
    }

    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Message, Dictionary<string, object?> Scopes)> Records { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((scope, into) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            into[key] = value;
                        }
                    }
                }, scopes);
                owner.Records.Enqueue((formatter(state, exception), scopes));
            }
        }
    }
}
