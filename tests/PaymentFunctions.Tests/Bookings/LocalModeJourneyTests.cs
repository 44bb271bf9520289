using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using PaymentFunctions.Telemetry;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Bookings;

/// Local mode as `./run.sh` runs it: the Stripe emulator sends signed webhooks, the in-process transport
/// delivers payment events to the booking function, and timers are fired like the Functions host would.
public sealed class LocalModeJourneyTests(LocalModeJourneyTests.Host fixture) : IClassFixture<LocalModeJourneyTests.Host>
{
    private readonly PaymentAppHost _host = fixture.Host;

    /// Local mode that dead-letters after three deliveries, so a poisoned message settles quickly.
    public sealed class Host() : SharedAppHost(() => PaymentAppHost.StartAsync(settings: new Dictionary<string, string?> { ["ServiceBus:InProcess:MaxDeliveryCount"] = "3" }));

    [Fact]
    public async Task PayingWithPmCardVisaConfirmsTheBooking()
    {
        var booking = await TestBookings.SeedAsync(_host);
        using var stripe = _host.StripeClientForTests();
        var intentId = await TestBookings.IssueAtStripeAsync(_host, stripe, booking.Id);

        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa")).StatusCode);

        // How fast is measured by hand and in bench/ (a timed assertion would only flake on a busy CI machine).
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CONFIRMED, $"booking {booking.Id} to be CONFIRMED");
        Assert.Contains(_host.InProcess!.Published, m => m.Topic == EventTypes.BookingsTopic && m.Subject == "booking_confirmed" && m.BookingId == booking.Id);
    }

    [Fact]
    public async Task ADeclinedCardFailsThePaymentAndARetryWithPmCardVisaConfirmsIt()
    {
        var booking = await TestBookings.SeedAsync(_host);
        using var stripe = _host.StripeClientForTests();
        var intentId = await TestBookings.IssueAtStripeAsync(_host, stripe, booking.Id);

        Assert.Equal(HttpStatusCode.PaymentRequired, (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_chargeDeclined")).StatusCode);
        var failed = await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.PAYMENT_FAILED, $"booking {booking.Id} to be PAYMENT_FAILED");
        Assert.Equal("generic_decline", failed.Facts.LastFailureCode);

        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa")).StatusCode);
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CONFIRMED, $"booking {booking.Id} to be CONFIRMED");
        var history = (await TestBookings.RowsAsync(_host, booking.Id, RowKeys.HistoryPrefix)).Select(BookingHistoryEntry.FromEntity).Select(h => h.To).ToList();
        Assert.Equal([BookingStatus.PAYMENT_FAILED, BookingStatus.CONFIRMED], history);
    }

    [Fact]
    public async Task APoisonMessageIsDeadLetteredAfterMaxDeliveriesWithoutBlockingOthers()
    {
        var meters = _host.Services.GetRequiredService<IMeterFactory>();
        using var deadLetterCount = new MetricCollector<long>(meters, PaymentsMeter.Name, "payments.messaging.dead_letters");
        using var consumed = new MetricCollector<long>(meters, PaymentsMeter.Name, "messaging.client.consumed.messages");
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var poison = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded("bk_does_not_exist", DateTimeOffset.UtcNow));
        var good = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, DateTimeOffset.UtcNow));

        await _host.InProcess!.PublishAsync(EventTypes.PaymentsTopic, [poison, good], CancellationToken.None);

        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CONFIRMED, $"booking {booking.Id} to be CONFIRMED");
        var deadLetters = await TestBookings.EventuallyAsync(() => Task.FromResult(_host.InProcess.DeadLetters.ToList()), d => d.Count > 0, "the poisoned message to be dead-lettered");
        var deadLetter = Assert.Single(deadLetters);
        Assert.Equal(poison.MessageId, deadLetter.Message.MessageId);
        Assert.Contains("bk_does_not_exist", deadLetter.Reason);
        var counted = Assert.Single(deadLetterCount.GetMeasurementSnapshot());
        Assert.Equal((1L, EventTypes.PaymentsTopic, BookingPaymentEventsFunction.Subscription), (counted.Value, counted.Tags["messaging.destination.name"], counted.Tags["messaging.destination.subscription.name"]));
        // Every delivery of the poison failed before it was dead-lettered: the host's MaxDeliveryCount, 3.
        Assert.Equal(3, consumed.GetMeasurementSnapshot().Count(m => Equals(m.Tags["outcome"], "failed")));
    }

    [Fact]
    public async Task AnUnpaidBookingPastItsHoldTimeIsCancelledAndItsIntentCanceledAtStripe()
    {
        using var stripe = _host.StripeClientForTests();
        var (booking, intentId) = await SeedExpiredBookingWithAnIntentAsync(stripe);
        var fresh = await TestBookings.SeedAsync(_host);

        var response = await FunctionsHostCalls.FireTimerAsync(_host, BookingExpiry.Name);

        response.AssertSucceeded();
        Assert.Equal("canceled", await EmulatorCalls.StatusAsync(stripe, intentId));
        var expired = await TestBookings.LoadAsync(_host, booking.Id);
        Assert.Equal(BookingStatus.CANCELLED, expired.Status);
        var cancelled = Assert.Single(_host.InProcess!.Published, m => m.BookingId == booking.Id && m.Subject == "booking_cancelled");
        Assert.Equal("expired", JsonDocument.Parse(cancelled.Body).RootElement.GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, fresh.Id)).Status);
    }

    [Fact]
    public async Task IndexEntriesOfBookingsThatAreGoneOrSettledAreDroppedAndAPaidBookingIsLeftAlone()
    {
        var past = DateTimeOffset.UtcNow.AddMinutes(-1);
        await _host.Tables.EnsureCreatedAsync(CancellationToken.None);
        await HoldIndex.AddAsync(_host.Tables, "bk_never0created000000000000", past, CancellationToken.None);
        var paid = await TestBookings.SeedAsync(_host, holdExpiresAt: past, issuedIntentId: "pi_t");
        await FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(paid.Id, DateTimeOffset.UtcNow)));

        (await FunctionsHostCalls.FireTimerAsync(_host, BookingExpiry.Name)).AssertSucceeded();

        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, paid.Id)).Status);
        var left = new List<string>();
        await foreach (var entry in HoldIndex.DueAsync(_host.Tables, DateTimeOffset.UtcNow, CancellationToken.None))
        {
            left.Add(entry.RowKey);
        }

        Assert.DoesNotContain("bk_never0created000000000000", left);
        Assert.DoesNotContain(paid.Id, left);
    }

    [Fact]
    public async Task OneBookingThatCannotBeExpiredDoesNotHoldUpTheOthersAndTheRunReportsIt()
    {
        using var stripe = _host.StripeClientForTests();
        var (stuck, intentId) = await SeedExpiredBookingWithAnIntentAsync(stripe);
        var gone = await TestBookings.SeedAsync(_host, holdExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1), paymentIntentId: "pi_unknown_to_stripe");
        var plain = await TestBookings.SeedAsync(_host, holdExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        await PaymentFunctions.Tests.Payments.SpaCalls.ArmStripeFaultAsync(_host, new { path = $"/v1/payment_intents/{intentId}/cancel", status = 400, count = 100 });

        var run = await FunctionsHostCalls.FireTimerAsync(_host, BookingExpiry.Name);

        run.AssertFailed();
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, stuck.Id)).Status);
        Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(_host, gone.Id)).Status);
        Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(_host, plain.Id)).Status);
        // The hold sweep covers every booking in this class's host: leave none behind that cannot be expired.
        await PaymentFunctions.Tests.Payments.SpaCalls.ClearStripeFaultsAsync(_host);
    }

    [Fact]
    public async Task AnExpiredBookingWhoseIntentAlreadySucceededIsNotCancelled()
    {
        using var stripe = _host.StripeClientForTests();
        var (booking, intentId) = await SeedExpiredBookingWithAnIntentAsync(stripe);
        _host.Faults.Rule = p => p == PaymentFunctions.Storage.FaultInjection.WebhookAfterVerify; // the success webhook is "late"
        await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa");

        await FunctionsHostCalls.FireTimerAsync(_host, BookingExpiry.Name);

        Assert.NotEqual(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        _host.Faults.Rule = null;
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, booking.Id), b => b.Status == BookingStatus.CONFIRMED, $"booking {booking.Id} to be CONFIRMED");
    }

    /// A booking past its hold whose open PaymentIntent exists at Stripe and is recorded on the booking.
    private async Task<(Booking Booking, string IntentId)> SeedExpiredBookingWithAnIntentAsync(HttpClient stripe)
    {
        var booking = await TestBookings.SeedAsync(_host, holdExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var intentId = await TestBookings.IssueAtStripeAsync(_host, stripe, booking.Id);
        await ReplaceIntentAsync(booking, intentId);
        return (booking, intentId);
    }

    private async Task ReplaceIntentAsync(Booking booking, string intentId)
    {
        var stored = await TestBookings.LoadAsync(_host, booking.Id);
        await IntentIndex.RememberAsync(_host.Tables, intentId, booking.Id, CancellationToken.None);
        await _host.Tables.Bookings.UpdateEntityAsync((stored with { PaymentIntentId = intentId, IntentAttempt = 1 }).ToEntity(), stored.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
    }
}
