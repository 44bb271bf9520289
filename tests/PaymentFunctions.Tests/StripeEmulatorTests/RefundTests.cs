using System.Net;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class RefundTests
{
    [Fact]
    public async Task RefundingAPaymentIntentRefundsItsChargeInFull()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.SucceededIntentAsync(2500);

        using var response = await emulator.PostAsync("/v1/refunds", null, ("payment_intent", Id(intent)), ("reason", "requested_by_customer"));
        var refund = await ReadAsync(response);
        var charge = await emulator.GetAsync($"/v1/charges/{intent["latest_charge"]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^re_", Id(refund));
        Assert.Equal("pending", (string?)refund["status"]);
        Assert.Equal(2500, (long)refund["amount"]!);
        Assert.Equal(Id(intent), (string?)refund["payment_intent"]);
        Assert.Equal(2500, (long)charge["amount_refunded"]!);
        Assert.True((bool)charge["refunded"]!);
        var refunded = emulator.State.Events[^3];
        Assert.Equal("charge.refunded", (string?)refunded["type"]);
        Assert.Equal(2500, (long)refunded["data"]!["object"]!["amount_refunded"]!);
        Assert.True((bool)refunded["data"]!["object"]!["refunded"]!);
    }

    [Fact]
    public async Task APartialRefundByChargeLeavesTheRestAndRefundingMoreThanIsLeftIsRejected()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.SucceededIntentAsync(2500);
        var chargeId = (string)intent["latest_charge"]!;

        using var partial = await emulator.PostAsync("/v1/refunds", null, ("charge", chargeId), ("amount", "1000"));
        using var tooMuch = await emulator.PostAsync("/v1/refunds", null, ("charge", chargeId), ("amount", "1501"));
        var charge = await emulator.GetAsync($"/v1/charges/{chargeId}");

        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        Assert.Equal("amount_too_large", (string?)(await ReadAsync(tooMuch))["error"]!["code"]);
        Assert.Equal(1000, (long)charge["amount_refunded"]!);
        Assert.False((bool)charge["refunded"]!);
        Assert.Single(emulator.State.Refunds);
    }

    [Fact]
    public async Task RefundingAnUnpaidIntentOrNothingAtAllIsRejected()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();

        using var unpaid = await emulator.PostAsync("/v1/refunds", null, ("payment_intent", Id(intent)));
        using var nothing = await emulator.PostAsync("/v1/refunds");

        Assert.Equal(HttpStatusCode.BadRequest, unpaid.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Equal("parameter_missing", (string?)(await ReadAsync(nothing))["error"]!["code"]);
        Assert.Empty(emulator.State.Refunds);
    }
}
