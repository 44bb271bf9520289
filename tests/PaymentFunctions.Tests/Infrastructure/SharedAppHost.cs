namespace PaymentFunctions.Tests.Infrastructure;

/// One app host for every test of a class (IClassFixture) or a collection (ICollectionFixture): xUnit starts it
/// before the first test and disposes it after the last. The tests sharing it isolate themselves by data (their own
/// bookings, users, intents and idempotency keys); a test that changes the clock, the settings or a fault rule for
/// the whole host starts its own instead, or runs in a collection whose tests run one at a time.
public abstract class SharedAppHost(Func<Task<PaymentAppHost>> start) : IAsyncLifetime
{
    public PaymentAppHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await start();

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

/// Local mode: the in-process transport, the emulator delivering signed webhooks.
public sealed class InProcessAppHost() : SharedAppHost(() => PaymentAppHost.StartAsync());

/// Azure mode: the recording Service Bus client, the emulator delivering signed webhooks.
public sealed class ServiceBusAppHost() : SharedAppHost(() => PaymentAppHost.StartAsync(serviceBus: true));

/// Azure mode with no webhooks from the emulator: only the events a test posts itself arrive.
public sealed class QuietServiceBusAppHost() : SharedAppHost(() => PaymentAppHost.StartAsync(serviceBus: true, deliverWebhooks: false));
