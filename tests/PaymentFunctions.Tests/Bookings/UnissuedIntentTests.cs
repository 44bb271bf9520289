using System.Net;
using System.Text.Json;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

/// Issue 20, item 4: a booking is moved only by a PaymentIntent it issued. The booking id in an intent's metadata can
/// be set by anything on the same Stripe account, so a payment of someone else's intent is recorded for a person.
[Collection(AppHostGroup.Name)]
public sealed class UnissuedIntentTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Fact]
    public async Task AnIntentMadeOutsideTheAppLeavesTheBookingPendingAndUnpaidToTheSpaAndIsRecordedWhileItsOwnIntentConfirmsIt()
    {
        using var alice = _host.ClientFor(NewUser("alice"));
        using var stripe = _host.StripeClientForTests();
        var bookingId = await NewBookingIdAsync(alice, "standard", 2);
        var own = await CreateIntentAsync(alice, bookingId);
        Assert.Equal(HttpStatusCode.Created, own.Status);

        // Another integration on the account: the booking's real id and price in its metadata, paid with a good card.
        var foreign = await EmulatorCalls.CreateIntentAsync(stripe, bookingId, amount: 5000, currency: "eur");
        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, foreign, "pm_card_visa")).StatusCode);

        var record = Assert.Single(await TestBookings.EventuallyAsync(
            () => TestBookings.RowsAsync(_host, bookingId, RowKeys.UnissuedIntentPrefix), rows => rows.Count > 0, $"the payment of {foreign} to be recorded on booking {bookingId}"));
        Assert.Equal(foreign, record.GetString("PaymentIntentId"));
        Assert.Equal(EventTypes.TypeOf(typeof(PaymentSucceeded)), record.GetString("Cause"));
        Assert.Equal(5000, record.GetInt64("Amount"));
        var pending = await TestBookings.LoadAsync(_host, bookingId);
        Assert.Equal(BookingStatus.PENDING, pending.Status);
        Assert.Null(pending.Facts.Succeeded);
        Assert.DoesNotContain(_host.InProcess!.Published, m => m.Topic == EventTypes.BookingsTopic && m.BookingId == bookingId);
        // The webhook stored the stranger's payment as a fact of this booking; what the SPA polls leaves it out.
        Assert.Equal(foreign, (await TestBookings.StoredPaymentStateAsync(_host, bookingId))!.PaymentIntentId);
        var polledBefore = await GetAsync(alice, $"/api/payments/{bookingId}");
        Assert.Equal("PENDING", polledBefore.Text("bookingStatus"));
        Assert.Equal(JsonValueKind.Null, polledBefore.Json.GetProperty("payment").ValueKind);

        // The booking's own intent still confirms it, and the status read shows that payment, not the stranger's.
        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, own.Text("paymentIntentId"), "pm_card_visa")).StatusCode);
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED by its own intent");
        Assert.Single(await TestBookings.RowsAsync(_host, bookingId, RowKeys.UnissuedIntentPrefix));
        var polledAfter = (await GetAsync(alice, $"/api/payments/{bookingId}")).Json.GetProperty("payment");
        Assert.Equal("succeeded", polledAfter.GetProperty("status").GetString());
        Assert.Equal(own.Text("paymentIntentId"), polledAfter.GetProperty("paymentIntentId").GetString());
    }

    [Fact]
    public async Task AnEarlierAttemptOfTheBookingStillConfirmsItButAStrangersRefundNeverMovesIt()
    {
        var booking = await TestBookings.SeedAsync(_host, paymentIntentId: "pi_attempt2_of_two");
        await TestBookings.IssueAsync(_host, booking.Id, "pi_attempt1_of_two", attempt: 1);
        await TestBookings.IssueAsync(_host, booking.Id, "pi_attempt2_of_two", attempt: 2);
        var at = DateTimeOffset.UtcNow;
        var strangersRefund = new PaymentRefunded
        {
            Id = $"evt_{Guid.NewGuid():N}:charge.refunded", OccurredAt = at, BookingId = booking.Id, PaymentIntentId = "pi_stranger",
            StripeEventId = "evt_stranger", Amount = 2500, Currency = "eur", ChargeId = "ch_stranger", AmountRefunded = 2500,
        };
        var earlierPaid = PaymentEventsForTests.Succeeded(booking.Id, at) with { PaymentIntentId = "pi_attempt1_of_two" };

        (await FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(strangersRefund))).AssertSucceeded();
        (await FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(earlierPaid))).AssertSucceeded();
        (await FunctionsHostCalls.DeliverAsync(_host, CloudEventEnvelope.ToOutboxMessage(strangersRefund))).AssertSucceeded();

        var confirmed = await TestBookings.LoadAsync(_host, booking.Id);
        Assert.Equal(BookingStatus.CONFIRMED, confirmed.Status);
        Assert.Equal(0, confirmed.Facts.RefundedAmount);
        var record = Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.UnissuedIntentPrefix));
        Assert.Equal("pi_stranger", record.GetString("PaymentIntentId"));
        Assert.Single(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.Inbox(strangersRefund.Id)));
    }

    [Fact]
    public async Task AForeignCheckoutSessionCarryingTheBookingsIdNeverMovesItAndIsRecordedWhileItsOwnSessionConfirmsIt()
    {
        using var alice = _host.ClientFor(NewUser("alice"));
        using var stripe = _host.StripeClientForTests();
        using var browser = new HostedCheckout();
        var bookingId = await NewBookingIdAsync(alice, "standard", 2);
        var own = await CreateCheckoutSessionAsync(alice, bookingId);
        Assert.Equal(HttpStatusCode.Created, own.Status);

        // Another integration on the account: a session with the booking's id wherever ours puts it, and our hint on its intent.
        var created = await stripe.PostAsync("/v1/checkout/sessions", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["mode"] = "payment", ["client_reference_id"] = bookingId, ["metadata[bookingId]"] = bookingId, ["success_url"] = "https://elsewhere.example/ok",
            ["line_items[0][quantity]"] = "1", ["line_items[0][price_data][currency]"] = "eur", ["line_items[0][price_data][unit_amount]"] = "5000", ["line_items[0][price_data][product_data][name]"] = "Standard",
            ["payment_intent_data[metadata][bookingId]"] = bookingId, [$"payment_intent_data[metadata][{CheckoutMetadata.FlowKey}]"] = CheckoutMetadata.CheckoutFlow,
        }));
        var foreign = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var foreignId = foreign.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.PayAsync(foreign.GetProperty("url").GetString()!, "pm_card_visa")).Response.StatusCode);

        // Its intent's payment_intent.succeeded and its checkout.session.completed: both recorded, neither applied.
        var records = await TestBookings.EventuallyAsync(
            () => TestBookings.RowsAsync(_host, bookingId, RowKeys.UnissuedIntentPrefix), rows => rows.Count == 2, $"both payments of {foreignId} to be recorded on booking {bookingId}");
        Assert.All(records, r => Assert.Equal(foreignId, r.GetString("CheckoutSessionId")));
        Assert.All(records, r => Assert.Equal(EventTypes.TypeOf(typeof(PaymentSucceeded)), r.GetString("Cause")));
        var pending = await TestBookings.LoadAsync(_host, bookingId);
        Assert.Equal(BookingStatus.PENDING, pending.Status);
        Assert.Null(pending.Facts.Succeeded);

        // The booking's own session still confirms it.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.PayAsync(own.Text("url"), "pm_card_visa")).Response.StatusCode);
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(_host, bookingId), b => b.Status == BookingStatus.CONFIRMED, $"booking {bookingId} to be CONFIRMED by its own session");
        Assert.Equal(2, (await TestBookings.RowsAsync(_host, bookingId, RowKeys.UnissuedIntentPrefix)).Count);
    }

    [Fact]
    public async Task AnIntentClaimingToBeCheckoutsThatNoSessionOwnsIsRecordedAsUnissued()
    {
        using var alice = _host.ClientFor(NewUser("alice"));
        using var stripe = _host.StripeClientForTests();
        var bookingId = await NewBookingIdAsync(alice);
        Assert.Equal(HttpStatusCode.Created, (await CreateCheckoutSessionAsync(alice, bookingId)).Status);
        var response = await stripe.PostAsync("/v1/payment_intents", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["amount"] = "2500", ["currency"] = "eur", ["metadata[bookingId]"] = bookingId, [$"metadata[{CheckoutMetadata.FlowKey}]"] = CheckoutMetadata.CheckoutFlow,
        }));
        var intentId = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa")).StatusCode);

        var record = Assert.Single(await TestBookings.EventuallyAsync(
            () => TestBookings.RowsAsync(_host, bookingId, RowKeys.UnissuedIntentPrefix), rows => rows.Count > 0, $"the payment of {intentId} to be recorded on booking {bookingId}"));
        Assert.Equal(intentId, record.GetString("PaymentIntentId"));
        Assert.Null(record.GetString("CheckoutSessionId"));
        Assert.Equal(BookingStatus.PENDING, (await TestBookings.LoadAsync(_host, bookingId)).Status);
    }
}
