using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Retention;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using StripeEmulator;

namespace PaymentFunctions.Tests.Retention;

/// Retention through the whole app (standalone, Azure mode with the recording Service Bus client, the Stripe emulator
/// posting signed webhooks), with its windows set in minutes and a FakeTimeProvider the app and the emulator share:
/// a paid booking's rows drop to what is kept for good once the windows pass, and a Stripe event or a Service Bus
/// message arriving again after its inbox row was deleted changes nothing.
public sealed class RetentionJourneyTests
{
    private static readonly Dictionary<string, string?> Windows = new()
    {
        ["Idempotency:KeyLifetime"] = "00:05:00",
        ["Retention:ConsumerInbox"] = "00:20:00",
        ["Retention:StripeInbox"] = "00:30:00",
        ["Retention:EventRecords"] = "01:00:00",
    };

    [Fact]
    public async Task OnceTheWindowsPassABookingKeepsItsFinancialRowsOnlyAndOldEventsArrivingAgainChangeNothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true, settings: Windows, clock: clock);
        host.Emulator.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value.TimeProvider = clock;
        var userId = SpaCalls.NewUser("alice");
        using var alice = host.ClientFor(userId);
        var bookingId = (await SpaCalls.CreateBookingAsync(alice, "standard", 1, "book-1")).Text("id");
        var intentId = (await SpaCalls.CreateIntentAsync(alice, bookingId, "pay-1")).Text("paymentIntentId");
        using var stripe = host.StripeClientForTests();
        (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa")).EnsureSuccessStatusCode();
        var paid = await TestBookings.EventuallyAsync(() => Task.FromResult(host.ServiceBus!.Messages(EventTypes.PaymentsTopic, bookingId)), m => m.Count == 1, "the payment's message");
        var payment = paid[0];
        (await FunctionsHostCalls.DeliverRawAsync(host, payment.Body.ToString(), payment.MessageId)).AssertSucceeded();
        var unmatched = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_not_ours", new BookingIds().Next());
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Client, unmatched, timestamp: clock.GetUtcNow().ToUnixTimeSeconds())).StatusCode);
        await TestBookings.OutboxAfterCleanupAsync(host, bookingId);
        // Every event the emulator made (customer, intent, charge) answered, so no record is written after the clock moves.
        await TestBookings.EventuallyAsync(
            () => Task.FromResult(host.EmulatorState.Events.Count(e => !host.EmulatorState.WebhookDeliveries.Any(d => d.EventId == (string?)e["id"] && d.Succeeded))),
            unanswered => unanswered == 0,
            "every webhook of the emulator to be answered 2xx");

        var whilePaid = await RowKeysAsync(host, bookingId);
        Assert.Contains(whilePaid, k => k.StartsWith(RowKeys.StripeInboxPrefix, StringComparison.Ordinal));
        Assert.Contains(RowKeys.Inbox(payment.MessageId), whilePaid);
        Assert.Equal(2, await SpaCalls.IdempotencyRowsAsync(host, userId));
        Assert.NotEmpty(await RecordsAsync(host));

        // The keys' lifetime (5 min) passes: they go, the booking's rows stay.
        await RunAtAsync(host, clock, TimeSpan.FromMinutes(6));
        Assert.Equal(0, await SpaCalls.IdempotencyRowsAsync(host, userId));
        Assert.Equal(whilePaid, await RowKeysAsync(host, bookingId));

        // The consumer's inbox window (20 min): its inbox row goes, the Stripe inbox rows stay.
        await RunAtAsync(host, clock, TimeSpan.FromMinutes(21));
        Assert.Equal(whilePaid.Where(k => k != RowKeys.Inbox(payment.MessageId)), await RowKeysAsync(host, bookingId));

        // The Stripe inbox window (30 min): what is left is what is kept for good.
        await RunAtAsync(host, clock, TimeSpan.FromMinutes(31));
        var kept = await RowKeysAsync(host, bookingId);
        Assert.Equal(whilePaid.Where(k => !k.StartsWith(RowKeys.InboxPrefix, StringComparison.Ordinal)), kept);
        Assert.All(kept, k => Assert.True(k == RowKeys.Booking || k.StartsWith(RowKeys.IntentPrefix, StringComparison.Ordinal) || k.StartsWith(RowKeys.PaymentFactPrefix, StringComparison.Ordinal) || k.StartsWith(RowKeys.HistoryPrefix, StringComparison.Ordinal), k));
        var booking = await TestBookings.LoadAsync(host, bookingId);
        Assert.Equal(BookingStatus.CONFIRMED, booking.Status);
        Assert.NotEmpty(await RecordsAsync(host)); // records of ignored and unmatched events stay an hour

        // Stripe delivers the old event again: its payment fact row makes it a duplicate; nothing is written or sent.
        var old = host.EmulatorState.Events.Single(e => (string?)e["type"] == "payment_intent.succeeded" && (string?)e["data"]?["object"]?["id"] == intentId);
        var redelivered = await StripeEvents.PostAsync(host.Client, (JsonObject)old.DeepClone(), timestamp: clock.GetUtcNow().ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Contains("\"duplicate\"", await redelivered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(kept, await RowKeysAsync(host, bookingId));
        Assert.Single(host.ServiceBus!.Messages(EventTypes.PaymentsTopic, bookingId));

        // Service Bus delivers the old message again (a dead letter requeued late): the booking's facts hold it already,
        // so only a new inbox row is written; the booking, its history and the bookings topic stay as they were.
        var bookingEvents = host.ServiceBus.Messages(EventTypes.BookingsTopic, bookingId).Count;
        (await FunctionsHostCalls.DeliverRawAsync(host, payment.Body.ToString(), payment.MessageId, deliveryCount: 2)).AssertSucceeded();
        Assert.Equal(kept.Append(RowKeys.Inbox(payment.MessageId)).Order(StringComparer.Ordinal), await RowKeysAsync(host, bookingId));
        Assert.Equal(booking.ETag, (await TestBookings.LoadAsync(host, bookingId)).ETag);
        Assert.Equal(bookingEvents, host.ServiceBus.Messages(EventTypes.BookingsTopic, bookingId).Count);

        // The records' window (1 h), and those of the rows the late arrivals filed (at 31 min): nothing is left but the
        // kept rows, and no index entry.
        await RunAtAsync(host, clock, TimeSpan.FromMinutes(62));
        Assert.Empty(await RecordsAsync(host));
        Assert.Equal(kept, await RowKeysAsync(host, bookingId));
        Assert.Empty(await LookupsAsync(host, RowKeys.RetentionPrefix));
    }

    /// Moves the shared clock to <paramref name="sinceStart"/> after the test began and runs the retention timer once.
    private static async Task RunAtAsync(PaymentAppHost host, FakeTimeProvider clock, TimeSpan sinceStart)
    {
        clock.SetUtcNow(clock.Start + sinceStart);
        (await FunctionsHostCalls.FireTimerAsync(host, RetentionSweep.Name)).AssertSucceeded();
    }

    private static async Task<List<string>> RowKeysAsync(PaymentAppHost host, string bookingId)
    {
        var keys = new List<string>();
        await foreach (var row in host.Tables.Bookings.QueryAsync<TableEntity>(KeyFilters.InPartition(bookingId), select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    private static Task<List<TableEntity>> RecordsAsync(PaymentAppHost host) => LookupsAsync(host, "stripe-event|");

    private static async Task<List<TableEntity>> LookupsAsync(PaymentAppHost host, string partitionPrefix)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in host.Tables.Lookups.QueryAsync<TableEntity>(KeyFilters.PartitionsStartingWithBefore(partitionPrefix, partitionPrefix[..^1] + "}")))
        {
            rows.Add(row);
        }

        return rows;
    }
}
