using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments;
using PaymentFunctions.Retention;
using PaymentFunctions.Storage;
using PaymentFunctions.Telemetry;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Telemetry;

/// The instruments of docs/operations.md, read after real traffic through the app host in Azure mode: webhooks the
/// test signs and posts, messages delivered as the Functions host delivers them, Stripe calls to the emulator. Each
/// MetricCollector is scoped to this host's IMeterFactory, so other hosts running at the same time are not counted;
/// the tests of this class run one at a time, and the emulator sends no webhooks of its own.
public sealed class MetricsTests(MetricsTests.Host fixture) : IClassFixture<MetricsTests.Host>
{
    private readonly PaymentAppHost _host = fixture.Host;

    /// Azure mode with every storage request passing <see cref="BeforeTransaction"/>, so a test can make a commit lose its race.
    public sealed class Host : SharedAppHost
    {
        public Host()
            : this(new BeforeTransaction())
        {
        }

        private Host(BeforeTransaction race)
            : base(() => StartAsync(race)) =>
            Race = race;

        public BeforeTransaction Race { get; }

        private static async Task<PaymentAppHost> StartAsync(BeforeTransaction race)
        {
            var azurite = await AzuriteServer.Shared;
            return await PaymentAppHost.StartAsync(serviceBus: true, deliverWebhooks: false, services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, race.Options())));
        }
    }

    [Fact]
    public async Task WebhookDeliveriesAreCountedAndTimedByOutcomeAndVerifiedEventType()
    {
        using var events = Collect<long>("payments.webhook.events");
        using var durations = Collect<double>("payments.webhook.duration");
        var booking = await TestBookings.SeedAsync(_host);
        var succeeded = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_metrics_1", booking.Id);

        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, succeeded)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, succeeded)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await StripeEvents.PostAsync(_host.Client, succeeded, secret: "whsec_not_ours")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, StripeEvents.PaymentIntent("payment_intent.created", "pi_metrics_1", booking.Id))).StatusCode);

        // A body not signed by Stripe names no type: its claimed type is never a label.
        (string, string?)[] expected = [("stored", "payment_intent.succeeded"), ("duplicate", "payment_intent.succeeded"), ("rejected", null), ("ignored", "payment_intent.created")];
        Assert.Equal(expected, events.GetMeasurementSnapshot().Select(m => (Tag(m, "outcome")!, Tag(m, "stripe.event.type"))));
        Assert.All(events.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
        Assert.Equal(expected, durations.GetMeasurementSnapshot().Select(m => (Tag(m, "outcome")!, Tag(m, "stripe.event.type"))));
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.True(m.Value > 0));
    }

    [Fact]
    public async Task ConsumedMessagesAreCountedByOutcomeWithTheirProcessingTimeLagAndTheMessagesTheySent()
    {
        using var consumed = Collect<long>("messaging.client.consumed.messages");
        using var durations = Collect<double>("messaging.process.duration");
        using var lags = Collect<double>("payments.messaging.consumer.lag");
        using var sent = Collect<long>("messaging.client.sent.messages");
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, DateTimeOffset.UtcNow));

        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertSucceeded();
        // A redelivery before the first delivery's outbox row is cleaned up (off the path) sends that message again, which
        // duplicate detection drops; after it, there is nothing left to send. The second delivery waits for the clean-up.
        await TestBookings.OutboxAfterCleanupAsync(_host, booking.Id);
        (await FunctionsHostCalls.DeliverAsync(_host, message, deliveryCount: 2)).AssertSucceeded();
        var unknownBooking = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded("bk_nobody_metrics", DateTimeOffset.UtcNow));
        var failure = (await FunctionsHostCalls.DeliverAsync(_host, unknownBooking)).AssertFailed();

        Assert.Equal(["applied", "duplicate", "failed"], consumed.GetMeasurementSnapshot().Select(m => Tag(m, "outcome")));
        Assert.All(consumed.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal(("servicebus", "process", EventTypes.PaymentsTopic, "booking"), (Tag(m, "messaging.system"), Tag(m, "messaging.operation.name"), Tag(m, "messaging.destination.name"), Tag(m, "messaging.destination.subscription.name")));
            Assert.Equal(1, m.Value);
        });
        Assert.Equal([null, null, failure.GetType().FullName], consumed.GetMeasurementSnapshot().Select(m => Tag(m, "error.type")));
        Assert.Equal(["applied", "duplicate", "failed"], durations.GetMeasurementSnapshot().Select(m => Tag(m, "outcome")));
        Assert.Equal(3, lags.GetMeasurementSnapshot().Count);
        Assert.All(lags.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
        // The applied message confirmed the booking and published booking_confirmed from its outbox.
        var bookingEvents = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal((EventTypes.BookingsTopic, "send", 1L, null), (Tag(bookingEvents, "messaging.destination.name"), Tag(bookingEvents, "messaging.operation.name"), bookingEvents.Value, Tag(bookingEvents, "error.type")));
    }

    [Fact]
    public async Task ACommitThatLostTheRaceForItsBookingIsRetriedAndCounted()
    {
        using var retries = Collect<long>("payments.commit.retries");
        using var consumed = Collect<long>("messaging.client.consumed.messages");
        var booking = await TestBookings.SeedAsync(_host, issuedIntentId: "pi_t");
        // Between the consumer's read of the booking and its transaction, another writer changes the booking's ETag.
        fixture.Race.Arm(booking.Id, () => _host.Tables.Bookings.UpdateEntityAsync(new TableEntity(booking.Id, RowKeys.Booking), ETag.All, TableUpdateMode.Merge));
        var message = CloudEventEnvelope.ToOutboxMessage(PaymentEventsForTests.Succeeded(booking.Id, DateTimeOffset.UtcNow));

        (await FunctionsHostCalls.DeliverAsync(_host, message)).AssertSucceeded();

        Assert.Equal(1, fixture.Race.Fired);
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, booking.Id)).Status);
        Assert.Equal(1, Assert.Single(retries.GetMeasurementSnapshot()).Value);
        Assert.Equal("applied", Tag(Assert.Single(consumed.GetMeasurementSnapshot()), "outcome"));
    }

    [Fact]
    public async Task StripeCallsAreTimedByOperationAndTheStatusStripeAnswered()
    {
        using var calls = Collect<double>("stripe.client.request.duration");
        using var spa = _host.ClientFor(SpaCalls.NewUser("metrics"));
        var paid = await SpaCalls.NewBookingIdAsync(spa);
        var refused = await SpaCalls.NewBookingIdAsync(spa);

        Assert.Equal(HttpStatusCode.Created, (await SpaCalls.CreateIntentAsync(spa, paid)).Status);
        await SpaCalls.ArmStripeFaultAsync(_host, new { path = "/v1/payment_intents", method = "POST", status = 400, count = 1 });
        Assert.Equal(HttpStatusCode.BadGateway, (await SpaCalls.CreateIntentAsync(spa, refused)).Status);

        (string, string, int)[] expected = [("customers.create", "POST", 200), ("payment_intents.create", "POST", 200), ("payment_intents.create", "POST", 400)];
        Assert.Equal(expected, calls.GetMeasurementSnapshot().Select(m => (Tag(m, "stripe.operation")!, Tag(m, "http.request.method")!, (int)m.Tags["http.response.status_code"]!)));
        Assert.All(calls.GetMeasurementSnapshot(), m => Assert.True(m.Value > 0));
    }

    [Fact]
    public async Task TimerRunsAreCountedAndTimedWithWhatTheyActedOn()
    {
        using var runs = Collect<long>("payments.timer.runs");
        using var durations = Collect<double>("payments.timer.run.duration");
        using var items = Collect<long>("payments.timer.items");
        // The one booking of this host whose hold is over: the others hold for 30 minutes.
        var expired = await TestBookings.SeedAsync(_host, holdExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        (await FunctionsHostCalls.FireTimerAsync(_host, BookingExpiry.Name)).AssertSucceeded();
        (await FunctionsHostCalls.FireTimerAsync(_host, OutboxSweeper.Name)).AssertSucceeded();
        // Nothing of this host is old enough for retention: a run that deletes nothing is still a run.
        (await FunctionsHostCalls.FireTimerAsync(_host, RetentionSweep.Name)).AssertSucceeded();

        Assert.Equal(BookingStatus.CANCELLED, (await TestBookings.LoadAsync(_host, expired.Id)).Status);
        (string, string)[] succeeded = [(BookingExpiry.Name, "succeeded"), (OutboxSweeper.Name, "succeeded"), (RetentionSweep.Name, "succeeded")];
        Assert.Equal(succeeded, runs.GetMeasurementSnapshot().Select(m => (Tag(m, "timer")!, Tag(m, "outcome")!)));
        Assert.Equal(succeeded, durations.GetMeasurementSnapshot().Select(m => (Tag(m, "timer")!, Tag(m, "outcome")!)));
        (string, long)[] actedOn = [(BookingExpiry.Name, 1), (OutboxSweeper.Name, 0), (RetentionSweep.Name, 0)];
        Assert.Equal(actedOn, items.GetMeasurementSnapshot().Select(m => (Tag(m, "timer")!, m.Value)));
    }

    [Fact]
    public async Task GetMetricsShowsTheWebhookOutboxConsumerAndStripeInstrumentsMovingWithTheTraffic()
    {
        var emulatorPort = _host.EmulatorUri.Port.ToString(CultureInfo.InvariantCulture);
        (string Metric, string[] Labels)[] moving =
        [
            ("payments_webhook_events_total", ["outcome=\"stored\"", "stripe_event_type=\"payment_intent.succeeded\""]),
            ("messaging_client_sent_messages_total", [$"messaging_destination_name=\"{EventTypes.PaymentsTopic}\""]),
            ("messaging_client_consumed_messages_total", ["outcome=\"applied\""]),
            ("messaging_client_sent_messages_total", [$"messaging_destination_name=\"{EventTypes.BookingsTopic}\""]),
            ("stripe_client_request_duration_seconds_count", ["stripe_operation=\"payment_intents.create\"", "http_response_status_code=\"200\""]),
            ("http_client_request_duration_seconds_count", [$"server_port=\"{emulatorPort}\""]),
        ];
        var before = await ScrapeAsync();

        // The SPA asks for an intent (Stripe), Stripe says it succeeded (a webhook, its message sent from the outbox), and
        // Service Bus delivers that message to the booking consumer (which publishes booking_confirmed).
        using var spa = _host.ClientFor(SpaCalls.NewUser("scrape"));
        var bookingId = await SpaCalls.NewBookingIdAsync(spa);
        Assert.Equal(HttpStatusCode.Created, (await SpaCalls.CreateIntentAsync(spa, bookingId)).Status);
        var intentId = (await TestBookings.LoadAsync(_host, bookingId)).PaymentIntentId!;
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", intentId, bookingId))).StatusCode);
        var published = Assert.Single(_host.ServiceBus!.Messages(EventTypes.PaymentsTopic, bookingId));
        (await FunctionsHostCalls.DeliverRawAsync(_host, published.Body.ToString(), published.MessageId)).AssertSucceeded();
        Assert.Equal(BookingStatus.CONFIRMED, (await TestBookings.LoadAsync(_host, bookingId)).Status);

        // The exporter caches a scrape's answer for 300 ms; the longer wait is for a loaded CI box, not for the app.
        var after = await TestBookings.EventuallyAsync(
            ScrapeAsync, text => moving.All(m => Sum(text, m.Metric, m.Labels) > Sum(before, m.Metric, m.Labels)), "every instrument to move with the traffic", TimeSpan.FromSeconds(30));
        Assert.Contains("\npayments_outbox_pending{", after, StringComparison.Ordinal);
        Assert.Contains("\npayments_outbox_oldest_age_seconds{", after, StringComparison.Ordinal);
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct =>
        new(_host.Services.GetRequiredService<IMeterFactory>(), PaymentsMeter.Name, instrument);

    private async Task<string> ScrapeAsync()
    {
        using var response = await _host.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// The sum of a metric's samples whose labels include every one given (Prometheus text: name{labels} value).
    private static double Sum(string exposition, string metric, string[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static string? Tag<T>(CollectedMeasurement<T> measurement, string name)
        where T : struct =>
        measurement.Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}
