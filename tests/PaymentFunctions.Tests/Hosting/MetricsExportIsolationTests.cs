using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PaymentFunctions.Contracts;
using PaymentFunctions.Hosting;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// Two hosts in one process, as the tests run them: each exporter reads only its own host's instruments, and keeps
/// them when the other host stops. With AddMeter by name, the first host's stream summed the second's measurements,
/// and vanished from its export once the second host disposed its meter (a /metrics test failed that way on CI).
public sealed class MetricsExportIsolationTests
{
    [Fact]
    public async Task AHostsExportCountsOnlyItsOwnMeasurementsAndKeepsThemWhenAnotherHostStops()
    {
        var first = await ComposeAsync();
        var second = await ComposeAsync();
        await using (first.Provider)
        {
            await using (second.Provider)
            {
                first.Provider.GetRequiredService<MessagingMetrics>().Sent(EventTypes.PaymentsTopic, 1);
                second.Provider.GetRequiredService<MessagingMetrics>().Sent(EventTypes.PaymentsTopic, 10);
                Assert.Equal(1, first.SentToPayments());
                Assert.Equal(10, second.SentToPayments());
            }

            first.Provider.GetRequiredService<MessagingMetrics>().Sent(EventTypes.PaymentsTopic, 2);
            Assert.Equal(3, first.SentToPayments());
        }
    }

    private static async Task<Composed> ComposeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = (await AzuriteServer.Shared).ConnectionString,
            ["Storage:TablePrefix"] = "m" + Guid.NewGuid().ToString("N")[..10],
            ["ServiceBus:Transport"] = "InProcess",
        }).Build();
        var exported = new List<Metric>();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddSingleton(TimeProvider.System).AddStorage().AddMessaging(configuration);
        services.AddMetricsExport(configuration).WithMetrics(metrics => metrics.AddReader(new BaseExportingMetricReader(new Capture(exported))));
        var provider = services.BuildServiceProvider();
        // What a host does as it starts: the metrics rules take effect.
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new Composed(provider, exported);
    }

    private sealed record Composed(ServiceProvider Provider, List<Metric> Exported)
    {
        /// Collects (cumulative sums) and reads messaging.client.sent.messages for the payments topic.
        public long SentToPayments()
        {
            Exported.Clear();
            Assert.True(Provider.GetRequiredService<MeterProvider>().ForceFlush());
            var sent = Exported.Where(m => m.Name == "messaging.client.sent.messages").ToList();
            long sum = 0;
            foreach (var metric in sent)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    sum += point.GetSumLong();
                }
            }

            return sum;
        }
    }

    /// Keeps what a collection exported; the reader hands the batch only for the length of the call, so the metric
    /// objects are kept and read before the next collection.
    private sealed class Capture(List<Metric> into) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                into.Add(metric);
            }

            return ExportResult.Success;
        }
    }
}
