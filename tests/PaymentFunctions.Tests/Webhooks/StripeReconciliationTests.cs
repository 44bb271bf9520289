using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Tests.Webhooks;

/// The webhook endpoint is "misconfigured" (the emulator delivers nowhere); the timer-triggered
/// reconciliation lists Stripe's events and loses nothing.
public sealed class StripeReconciliationTests(StripeReconciliationTests.Host fixture) : IClassFixture<StripeReconciliationTests.Host>
{
    private readonly PaymentAppHost _host = fixture.Host;

    /// Local mode with the emulator delivering no webhooks.
    public sealed class Host() : SharedAppHost(() => PaymentAppHost.StartAsync(deliverWebhooks: false));

    [Fact]
    public async Task MissedWebhooksAreFoundByReconciliationAndAppliedOnce()
    {
        var booking = await TestBookings.SeedAsync(_host);
        using var stripe = _host.StripeClientForTests();
        var intentId = await TestBookings.IssueAtStripeAsync(_host, stripe, booking.Id);
        await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa");
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.PaymentFactPrefix));

        var run = await FunctionsHostCalls.FireTimerAsync(_host, StripeReconciliation.Name);

        run.AssertSucceeded();
        var payment = (await TestBookings.StoredPaymentStateAsync(_host, booking.Id))!;
        Assert.Equal("succeeded", payment.Status);
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CONFIRMED, $"booking {booking.Id} to be CONFIRMED");

        var again = await _host.Services.GetRequiredService<StripeReconciliation>().RunAsync(CancellationToken.None);

        Assert.Equal(0, again.Stored);
        Assert.Single(_host.InProcess!.Published, m => m.Subject == "payment_succeeded" && m.BookingId == booking.Id);
    }

    [Fact]
    public async Task AFailedRunDoesNotMoveTheCheckpointAndTheNextRunCatchesUp()
    {
        var booking = await TestBookings.SeedAsync(_host);
        using var stripe = _host.StripeClientForTests();
        var intentId = await TestBookings.IssueAtStripeAsync(_host, stripe, booking.Id);
        await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa");
        _host.Faults.Rule = p => p == PaymentFunctions.Storage.FaultInjection.WebhookAfterBatch;

        var failed = await FunctionsHostCalls.FireTimerAsync(_host, StripeReconciliation.Name);

        failed.AssertFailed();
        Assert.Null(await _host.Tables.Lookups.FindAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow, CancellationToken.None));
        _host.Faults.Rule = null;
        (await FunctionsHostCalls.FireTimerAsync(_host, StripeReconciliation.Name)).AssertSucceeded();
        Assert.NotNull(await _host.Tables.Lookups.FindAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow, CancellationToken.None));
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CONFIRMED, $"booking {booking.Id} to be CONFIRMED");
    }
}
