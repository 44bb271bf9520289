using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Contracts;
using PaymentFunctions.Hosting.Standalone;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// Outside the Functions host the standalone host fires the timer functions on their NCRONTAB schedules, on the
/// app's TimeProvider.
public sealed class StandaloneTimersTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddMinutes(2);

    [Fact]
    public async Task TheOutboxSweeperRunsAtItsNextScheduledOccurrenceAndNotBefore()
    {
        // Two minutes ahead, so the rows written now already look abandoned to the sweeper.
        var clock = new FakeTimeProvider(Start);
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true, clock: clock, settings: new Dictionary<string, string?>
        {
            ["Timers:RunLocally"] = "true",
            ["Timers:OutboxSweepSchedule"] = "0 */5 * * * *",
            ["Timers:ReconciliationSchedule"] = "0 0 0 1 1 *",
            ["Timers:ExpirySchedule"] = "0 0 0 1 1 *",
            ["Timers:RetentionSchedule"] = "0 0 0 1 1 *",
        });
        Assert.Equal(["BookingExpiry", "OutboxSweeper", "Retention", "StripeReconciliation"], host.Services.GetRequiredService<StandaloneTimers>().Functions.Order(StringComparer.Ordinal));
        var booking = await TestBookings.SeedAsync(host);
        host.Faults.Rule = p => p == FaultInjection.WebhookAfterBatch;
        await StripeEvents.PostAsync(host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_timer", booking.Id));
        host.Faults.Rule = null;
        Assert.Single(await TestBookings.RowsAsync(host, booking.Id, RowKeys.OutboxPrefix));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, host.ServiceBus!.Received);
        clock.Advance(TimeSpan.FromMinutes(5));

        await TestBookings.EventuallyAsync(() => Task.FromResult(host.ServiceBus!.Messages(EventTypes.PaymentsTopic).Count), n => n > 0, "the outbox sweeper to send the kept message");
        Assert.Single(host.ServiceBus!.Messages(EventTypes.PaymentsTopic));
        await TestBookings.EventuallyAsync(() => TestBookings.RowsAsync(host, booking.Id, RowKeys.OutboxPrefix), rows => rows.Count == 0, $"booking {booking.Id}'s outbox row to be deleted");
    }

    [Theory]
    [InlineData("*/5 * * * *", "six-field NCRONTAB")] // five fields: the host wants seconds first
    [InlineData("every five minutes", "six-field NCRONTAB")]
    public void AScheduleTheHostWouldRefuseIsRefusedNamingTheFunction(string schedule, string named)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [OutboxSweeperFunction.Schedule] = schedule }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => TimerSchedule.Resolve("OutboxSweeper", "%" + OutboxSweeperFunction.Schedule + "%", config));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("OutboxSweeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingScheduleSettingNamesTheAppSettingToSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TimerSchedule.Resolve("OutboxSweeper", "%" + OutboxSweeperFunction.Schedule + "%", new ConfigurationBuilder().Build()));

        Assert.Contains("Timers__OutboxSweepSchedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNextOccurrenceFollowsTheHostsSixFieldSyntax()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["S"] = "30 */15 * * * *" }).Build();

        var schedule = TimerSchedule.Resolve("Any", "%S%", config);

        Assert.Equal(new DateTime(2026, 12, 2, 4, 15, 30, DateTimeKind.Utc), schedule.GetNextOccurrence(new DateTime(2026, 12, 2, 4, 1, 0, DateTimeKind.Utc)));
    }
}
