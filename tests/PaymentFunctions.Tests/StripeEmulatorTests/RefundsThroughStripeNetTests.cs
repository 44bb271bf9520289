using System.Net;
using Stripe;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// Refunds driven through Stripe.net's RefundService, as the app calls them.
public sealed class RefundsThroughStripeNetTests
{
    [Fact]
    public async Task AFullRefundIsAnsweredPendingSettlesAndSendsStripesThreeEventsInOrder()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await emulator.SucceededIntentAsync(2500);

        var refund = await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = Id(intent), Reason = "requested_by_customer", Metadata = new() { ["bookingId"] = "bk_1" } });
        var settled = await stripe.V1.Refunds.GetAsync(refund.Id);
        var charge = await stripe.V1.Charges.GetAsync((string)intent["latest_charge"]!);

        Assert.Equal("pending", refund.Status);
        Assert.Equal(2500, refund.Amount);
        Assert.Equal("eur", refund.Currency);
        Assert.Equal(Id(intent), refund.PaymentIntentId);
        Assert.Equal(charge.Id, refund.ChargeId);
        Assert.Equal("requested_by_customer", refund.Reason);
        Assert.Equal("bk_1", refund.Metadata["bookingId"]);
        Assert.Equal("succeeded", settled.Status);
        Assert.True(charge.Refunded);
        Assert.Equal(2500, charge.AmountRefunded);
        var events = emulator.State.Events.TakeLast(3).ToList();
        Assert.Equal(["charge.refunded", "refund.created", "refund.updated"], events.Select(e => (string)e["type"]!));
        Assert.Equal(2500, (long)events[0]["data"]!["object"]!["amount_refunded"]!);
        Assert.Equal("pending", (string?)events[1]["data"]!["object"]!["status"]);
        Assert.Equal("succeeded", (string?)events[2]["data"]!["object"]!["status"]);
        Assert.All(events.Skip(1), e => Assert.Equal(refund.Id, (string?)e["data"]!["object"]!["id"]));
    }

    [Fact]
    public async Task PartialRefundsAddUpAndOneMoreThanIsLeftIsStripesAmountTooLargeChangingNothing()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await emulator.SucceededIntentAsync(2500);
        var chargeId = (string)intent["latest_charge"]!;

        await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = chargeId, Amount = 1000 });
        await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = Id(intent), Amount = 500 });
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = Id(intent), Amount = 1001 }));
        var charge = await stripe.V1.Charges.GetAsync(chargeId);

        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.HttpStatusCode);
        Assert.Equal("invalid_request_error", tooMuch.StripeError.Type);
        Assert.Equal("amount_too_large", tooMuch.StripeError.Code);
        Assert.Equal("amount", tooMuch.StripeError.Param);
        Assert.Equal(1500, charge.AmountRefunded);
        Assert.False(charge.Refunded);
        Assert.Equal(2, emulator.State.Refunds.Count);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyGivesTheSameRefundAndNoSecondOne()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await emulator.SucceededIntentAsync(2500);
        var options = new RefundCreateOptions { PaymentIntent = Id(intent) };

        var first = await stripe.V1.Refunds.CreateAsync(options, new RequestOptions { IdempotencyKey = "refund-once" });
        var again = await stripe.V1.Refunds.CreateAsync(options, new RequestOptions { IdempotencyKey = "refund-once" });
        var otherParams = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = Id(intent), Amount = 1 }, new RequestOptions { IdempotencyKey = "refund-once" }));

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("idempotency_error", otherParams.StripeError.Type);
        Assert.Single(emulator.State.Refunds);
    }

    [Fact]
    public async Task RefundsAreListedByChargeOrPaymentIntentNewestFirst()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await emulator.SucceededIntentAsync(2500);
        var other = await emulator.SucceededIntentAsync(900);
        var older = await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = Id(intent), Amount = 100 });
        var newer = await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = Id(intent), Amount = 200 });
        await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = Id(other) });

        var byIntent = await stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = Id(intent) });
        var byCharge = await stripe.V1.Refunds.ListAsync(new RefundListOptions { Charge = (string)intent["latest_charge"]! });
        var all = await stripe.V1.Refunds.ListAsync();

        Assert.Equal([newer.Id, older.Id], byIntent.Data.Select(r => r.Id));
        Assert.Equal([newer.Id, older.Id], byCharge.Data.Select(r => r.Id));
        Assert.False(byIntent.HasMore);
        Assert.Equal(3, all.Data.Count);
    }
}
