using System.Net;
using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public async Task ARefundOfTheRefundFailCardIsAnsweredSucceededAndFailsLaterWithItsEvents()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        await using var emulator = await StartAsync(o => { o.TimeProvider = clock; o.RefundFailureDelay = TimeSpan.FromMinutes(5); });
        var intent = await emulator.CreateIntentAsync(2500);
        using var confirm = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_refundFail"));
        var chargeId = (string)(await ReadAsync(confirm))["latest_charge"]!;

        using var response = await emulator.PostAsync("/v1/refunds", null, ("payment_intent", Id(intent)));
        var answered = await ReadAsync(response);
        var beforeFailure = await emulator.GetAsync($"/v1/charges/{chargeId}");
        var eventsBefore = emulator.State.Events.Count;
        clock.Advance(TimeSpan.FromMinutes(5));
        var failed = await EventuallyFailedAsync(emulator, Id(answered));
        var charge = await emulator.GetAsync($"/v1/charges/{chargeId}");

        Assert.Equal("succeeded", (string?)answered["status"]);
        Assert.Equal(2500, (long)beforeFailure["amount_refunded"]!);
        Assert.Equal("expired_or_canceled_card", (string?)failed["failure_reason"]);
        Assert.Matches("^txn_", (string?)failed["failure_balance_transaction"]);
        Assert.Equal(0, (long)charge["amount_refunded"]!);
        Assert.False((bool)charge["refunded"]!);
        var later = emulator.State.Events.Skip(eventsBefore).ToList();
        Assert.Equal(["refund.failed", "charge.refund.updated", "refund.updated"], later.Select(e => (string?)e["type"]));
        Assert.All(later, e => Assert.Equal(("refund", "failed"), ((string?)e["data"]!["object"]!["object"], (string?)e["data"]!["object"]!["status"])));
    }

    [Fact]
    public async Task ARefundOfAnyOtherCardNeverFails()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        await using var emulator = await StartAsync(o => o.TimeProvider = clock);
        var intent = await emulator.SucceededIntentAsync(2500);

        using var response = await emulator.PostAsync("/v1/refunds", null, ("payment_intent", Id(intent)));
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal("pending", (string?)(await ReadAsync(response))["status"]);
        Assert.Equal("succeeded", (string?)Assert.Single(emulator.State.Refunds)["status"]);
        Assert.DoesNotContain(emulator.State.Events, e => (string?)e["type"] is "refund.failed" or "charge.refund.updated");
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> EventuallyFailedAsync(EmulatorHost emulator, string refundId) =>
        await Infrastructure.TestBookings.EventuallyAsync(() => emulator.GetAsync($"/v1/refunds/{refundId}"), r => (string?)r["status"] == "failed", $"refund {refundId} to fail");
}
