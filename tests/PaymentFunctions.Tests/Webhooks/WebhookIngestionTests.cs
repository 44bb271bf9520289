using System.Net;
using System.Text;
using System.Text.Json;
using PaymentFunctions.Contracts;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Webhooks;

/// Webhooks through the real app, Azurite and the production Service Bus publisher, sending through the recording
/// ServiceBusClient double (the SDK boundary: no AMQP broker runs here).
public sealed class WebhookIngestionTests(ServiceBusAppHost fixture) : IClassFixture<ServiceBusAppHost>
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Fact]
    public async Task ASucceededPaymentIsStoredAndPublishedAsACloudEventWithTheDocumentedProperties()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_ok1", booking.Id);

        var response = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var payment = (await TestBookings.StoredPaymentStateAsync(_host, booking.Id))!;
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal("pi_ok1", payment.PaymentIntentId);
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, "inbox|stripe|"));
        Assert.Empty(await TestBookings.OutboxAfterCleanupAsync(_host, booking.Id));

        var message = Assert.Single(_host.ServiceBus!.Messages(EventTypes.PaymentsTopic, booking.Id));
        var eventId = stripeEvent["id"]!.GetValue<string>();
        Assert.Equal($"{eventId}:payment_intent.succeeded", message.MessageId);
        Assert.Equal("payment_succeeded", message.Subject);
        Assert.Equal(booking.Id, message.CorrelationId);
        Assert.Equal(booking.Id, message.SessionId);
        Assert.Equal("application/cloudevents+json", message.ContentType);
        Assert.Equal("bookticket.payments.payment_succeeded.v1", message.ApplicationProperties["type"]);
        using var cloudEvent = JsonDocument.Parse(message.Body.ToMemory());
        Assert.Equal("1.0", cloudEvent.RootElement.GetProperty("specversion").GetString());
        Assert.Equal("bookticket.payments.payment_succeeded.v1", cloudEvent.RootElement.GetProperty("type").GetString());
        var data = cloudEvent.RootElement.GetProperty("data");
        Assert.Equal(booking.Id, data.GetProperty("bookingId").GetString());
        Assert.Equal(2500, data.GetProperty("amount").GetInt64());
        Assert.Equal(eventId, data.GetProperty("stripeEventId").GetString());
    }

    [Fact]
    public async Task ADuplicateDeliveryIsAcknowledgedAndPublishesNothingNew()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.payment_failed", "pi_dup", booking.Id, declineCode: "insufficient_funds");

        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, stripeEvent)).StatusCode);
        // A redelivery before the first delivery's outbox row is cleaned up (off the path) sends that message again, which
        // duplicate detection drops; after it, there is nothing left to send. The second delivery waits for the clean-up.
        await TestBookings.OutboxAfterCleanupAsync(_host, booking.Id);
        var second = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("\"duplicate\"", await second.Content.ReadAsStringAsync());
        Assert.Single(_host.ServiceBus!.SentFor(booking.Id));
        var data = JsonDocument.Parse(Assert.Single(_host.ServiceBus.Messages(EventTypes.PaymentsTopic, booking.Id)).Body.ToMemory()).RootElement.GetProperty("data");
        Assert.Equal("insufficient_funds", data.GetProperty("declineCode").GetString());
    }

    [Fact]
    public async Task AnUnhandledEventTypeIsRecordedAndNotPublished()
    {
        var stripeEvent = StripeEvents.Event("customer.created", new System.Text.Json.Nodes.JsonObject { ["id"] = "cus_1", ["object"] = "customer" });

        var response = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ignored\"", await response.Content.ReadAsStringAsync());
        Assert.NotNull(await _host.Tables.Lookups.FindAsync(RowKeys.StripeEventRecordPartition("ignored", "customer.created"), stripeEvent["id"]!.GetValue<string>(), CancellationToken.None));
        Assert.Empty(_host.ServiceBus!.SentFromEvent(stripeEvent["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ARefundIsResolvedToItsBookingThroughTheIntentIndex()
    {
        var booking = await TestBookings.SeedAsync(_host);
        await IntentIndex.RememberAsync(_host.Tables, "pi_refund", booking.Id, CancellationToken.None);

        var response = await StripeEvents.PostAsync(_host.Client, StripeEvents.ChargeRefunded("ch_1", "pi_refund", 2500, 1000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(_host.ServiceBus!.Messages(EventTypes.PaymentsTopic, booking.Id));
        Assert.Equal(booking.Id, message.SessionId);
        Assert.Equal("payment_refunded", message.Subject);
    }

    [Fact]
    public async Task ThePolledPaymentStateFollowsStripesOrderNotTheArrivalOrderOfItsFacts()
    {
        var booking = await TestBookings.SeedAsync(_host);
        await IntentIndex.RememberAsync(_host.Tables, "pi_order", booking.Id, CancellationToken.None);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var declined = StripeEvents.PaymentIntent("payment_intent.payment_failed", "pi_order", booking.Id, created: at, declineCode: "insufficient_funds");
        var succeeded = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_order", booking.Id, created: at.AddSeconds(30));
        var refunded = StripeEvents.ChargeRefunded("ch_order", "pi_order", 2500, 500, created: at.AddSeconds(60));

        // The success first, then the refund, then the older decline that Stripe retried late.
        foreach (var stripeEvent in new[] { succeeded, refunded, declined })
        {
            Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(_host.Client, stripeEvent)).StatusCode);
        }

        var payment = (await TestBookings.StoredPaymentStateAsync(_host, booking.Id))!;
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(succeeded["id"]!.GetValue<string>(), payment.StatusEventId);
        Assert.Null(payment.FailureCode);
        Assert.Equal(500, payment.AmountRefunded);
        Assert.Equal(3, (await TestBookings.RowsAsync(_host, booking.Id, RowKeys.PaymentFactPrefix)).Count);
    }

    [Fact]
    public async Task ADisputeWithoutMetadataIsResolvedThroughAStripeLookup()
    {
        var booking = await TestBookings.SeedAsync(_host);
        using var stripe = _host.StripeClientForTests();
        var created = await stripe.PostAsync("/v1/payment_intents", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["amount"] = "2500", ["currency"] = "eur", ["metadata[bookingId]"] = booking.Id,
        }));
        var intentId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var response = await StripeEvents.PostAsync(_host.Client, StripeEvents.Dispute("charge.dispute.created", "dp_1", intentId, 2500, "needs_response"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dispute_opened", Assert.Single(_host.ServiceBus!.Messages(EventTypes.PaymentsTopic, booking.Id)).Subject);
        Assert.Equal(booking.Id, Assert.Single(_host.ServiceBus.Messages(EventTypes.PaymentsTopic, booking.Id)).SessionId);
    }

    [Fact]
    public async Task AnEventOfAnIntentThatIsNotOursIsAcknowledgedAndRecordedAsUnmatched()
    {
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_unknown_elsewhere", bookingId: null);

        var response = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"unmatched\"", await response.Content.ReadAsStringAsync());
        Assert.Empty(_host.ServiceBus!.SentFromEvent(stripeEvent["id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("bk_0000000000000000000000000z")] // well-formed, but no such booking (another environment's?)
    [InlineData("order/42#x")]                    // not one of our ids at all
    public async Task MetadataNamingNoBookingOfOursIsRecordedAsUnmatchedAndNotPublished(string bookingId)
    {
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_elsewhere", bookingId);

        var response = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"unmatched\"", await response.Content.ReadAsStringAsync());
        Assert.Empty(_host.ServiceBus!.SentFromEvent(stripeEvent["id"]!.GetValue<string>()));
        Assert.Empty(_host.ServiceBus.SentFor(bookingId));
    }

    [Fact]
    public async Task AnEventThatCannotBeMappedIsRecordedForAPersonAndAcknowledged()
    {
        var booking = await TestBookings.SeedAsync(_host);
        await IntentIndex.RememberAsync(_host.Tables, "pi_nodispute", booking.Id, CancellationToken.None);
        var dispute = StripeEvents.Dispute("charge.dispute.created", "dp_x", "pi_nodispute", 2500, "needs_response");
        ((System.Text.Json.Nodes.JsonObject)dispute["data"]!["object"]!).Remove("id");

        var response = await StripeEvents.PostAsync(_host.Client, dispute);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"unprocessable\"", await response.Content.ReadAsStringAsync());
        var recorded = await _host.Tables.Lookups.FindAsync(RowKeys.StripeEventRecordPartition("unprocessable", "charge.dispute.created"), dispute["id"]!.GetValue<string>(), CancellationToken.None);
        Assert.Contains("no dispute id", recorded!.GetString("Problem"));
        Assert.Empty(_host.ServiceBus!.SentFor(booking.Id));
    }

    [Fact]
    public async Task ALiveModeEventIsRefusedByATestModeEndpoint()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_live", booking.Id);
        stripeEvent["livemode"] = true;

        var response = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("booking", Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, "")).RowKey);
    }

    [Fact]
    public async Task AValidlySignedBodyThatIsNotAStripeEventIsABadRequest()
    {
        var body = Encoding.UTF8.GetBytes("{\"hello\":\"world\"}");

        var response = await StripeEvents.PostRawAsync(_host.Client, body, StripeSigner.Header(body, PaymentAppHost.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefusedWith413()
    {
        var body = new byte[(512 * 1024) + 1];
        Array.Fill(body, (byte)' ');

        var response = await StripeEvents.PostRawAsync(_host.Client, body, StripeSigner.Header(body, PaymentAppHost.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    public static TheoryData<string> BadSignatures => new() { "tampered", "wrong-secret", "stale", "future", "missing", "malformed" };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task ABadSignatureIsA400AndStoresNothing(string kind)
    {
        var booking = await TestBookings.SeedAsync(_host);
        var body = Encoding.UTF8.GetBytes(StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_sig", booking.Id).ToJsonString());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = kind switch
        {
            "tampered" => StripeSigner.Header(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("2500", "1", StringComparison.Ordinal)), PaymentAppHost.WebhookSecret, now),
            "wrong-secret" => StripeSigner.Header(body, "whsec_not_ours", now),
            // Well outside the 300 s: the exact edges are unit-tested with a manual clock; here the request takes time.
            "stale" => StripeSigner.Header(body, PaymentAppHost.WebhookSecret, now - 900),
            "future" => StripeSigner.Header(body, PaymentAppHost.WebhookSecret, now + 900),
            "missing" => null,
            _ => "t=notanumber,v1=xyz",
        };

        var response = await StripeEvents.PostRawAsync(_host.Client, body, header);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(PaymentAppHost.WebhookSecret, await response.Content.ReadAsStringAsync());
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, "inbox|"));
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.PaymentFactPrefix));
        Assert.Empty(_host.ServiceBus!.SentFor(booking.Id));
    }
}
