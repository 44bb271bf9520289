using Azure.Data.Tables;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bench.Sweep;

/// The app's storage and messaging parts as the app registers them (AddStorage, AddMessaging), with every table call
/// counted, a publisher that only counts (the sends are the same before and after; the reads are measured), and a
/// clock three minutes ahead so that what the bench marks "now" is past the sweeper's minimum age.
internal sealed class SweepApp : IDisposable
{
    private readonly ServiceProvider _services;

    private SweepApp(ServiceProvider services) => _services = services;

    public PaymentTables Tables => _services.GetRequiredService<PaymentTables>();

    public OutboxSweeper Sweeper => _services.GetRequiredService<OutboxSweeper>();

    public static async Task<SweepApp> StartAsync(string storage, string prefix, EntityCounter counter)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage,
            ["Storage:TablePrefix"] = prefix,
            ["ServiceBus:FullyQualifiedNamespace"] = "bench.servicebus.test",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton<TimeProvider>(new LaterClock(TimeSpan.FromMinutes(3)))
            .AddStorage()
            .AddMessaging(configuration)
            .AddSingleton(new TableServiceClient(storage, counter.Options()))
            .AddSingleton<ITopicPublisher>(new CountingPublisher())
            .BuildServiceProvider();
        await services.GetRequiredService<OutboxCleanup>().StartAsync(CancellationToken.None);
        return new SweepApp(services);
    }

    /// Waits until the clean-up deleted what the sweep released (rows, then entries), so the next measurement starts
    /// from the same pending work.
    public async Task WaitForCleanupAsync()
    {
        var pending = _services.GetRequiredService<PendingOutbox>();
        for (var i = 0; i < 600; i++)
        {
            var left = 0;
            await foreach (var _ in pending.ReadAsync(DateTimeOffset.UtcNow.AddMinutes(10), int.MaxValue, CancellationToken.None))
            {
                left++;
            }

            if (left == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The outbox clean-up did not delete the swept entries within a minute.");
    }

    public void Dispose()
    {
        _services.GetRequiredService<OutboxCleanup>().StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _services.Dispose();
    }

    private sealed class LaterClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
