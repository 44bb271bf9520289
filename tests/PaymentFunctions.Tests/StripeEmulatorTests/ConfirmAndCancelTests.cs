using System.Net;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class ConfirmAndCancelTests
{
    [Fact]
    public async Task ConfirmingWithTheVisaTestCardSucceedsAndRecordsAPaidCharge()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync(4200);

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_visa"));
        var confirmed = await ReadAsync(response);
        var charge = await emulator.GetAsync($"/v1/charges/{confirmed["latest_charge"]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("succeeded", (string?)confirmed["status"]);
        Assert.Equal(4200, (long)confirmed["amount_received"]!);
        Assert.StartsWith("pm_", (string?)confirmed["payment_method"], StringComparison.Ordinal);
        Assert.Equal("succeeded", (string?)charge["status"]);
        Assert.True((bool)charge["paid"]!);
        Assert.Equal(4200, (long)charge["amount_captured"]!);
        Assert.Equal(Id(intent), (string?)charge["payment_intent"]);
        Assert.Equal("4242", (string?)charge["payment_method_details"]!["card"]!["last4"]);
        Assert.Equal(
            ["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"],
            emulator.State.Events.Select(e => (string)e["type"]!));
        Assert.Equal("succeeded", (string?)emulator.State.Events[^1]["data"]!["object"]!["status"]);
    }

    [Fact]
    public async Task ConfirmingWithTheDeclinedCardIsACardErrorAndTheIntentWaitsForAnotherPaymentMethod()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_chargeDeclined"));
        var error = (await ReadAsync(response))["error"]!;
        var stored = emulator.State.FindPaymentIntent(Id(intent))!;

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("card_error", (string?)error["type"]);
        Assert.Equal("card_declined", (string?)error["code"]);
        Assert.Equal("generic_decline", (string?)error["decline_code"]);
        Assert.Equal("requires_payment_method", (string?)error["payment_intent"]!["status"]);
        Assert.Equal("requires_payment_method", (string?)stored["status"]);
        Assert.Equal("card_declined", (string?)stored["last_payment_error"]!["code"]);
        Assert.Equal((string?)error["charge"], (string?)stored["latest_charge"]);
        Assert.Equal(
            ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"],
            emulator.State.Events.Select(e => (string)e["type"]!));

        // A declined intent can be paid with another card, as in Stripe.
        using var retry = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_visa"));
        Assert.Equal("succeeded", (string?)(await ReadAsync(retry))["status"]);
    }

    [Fact]
    public async Task ConfirmingWithTheAuthenticationRequiredCardAsksForARedirect()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_authenticationRequired"), ("return_url", "https://app.example/return"));
        var confirmed = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("requires_action", (string?)confirmed["status"]);
        Assert.Equal("redirect_to_url", (string?)confirmed["next_action"]!["type"]);
        Assert.Equal("https://app.example/return", (string?)confirmed["next_action"]!["redirect_to_url"]!["return_url"]);
        Assert.Equal("payment_intent.requires_action", (string?)emulator.State.Events[^1]["type"]);
    }

    [Fact]
    public async Task ConfirmingWithAnUnknownPaymentMethodIsResourceMissing()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_bogus"));
        var error = (await ReadAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("resource_missing", (string?)error["code"]);
        Assert.Equal("payment_method", (string?)error["param"]);
        Assert.Equal("requires_payment_method", (string?)emulator.State.FindPaymentIntent(Id(intent))!["status"]);
    }

    [Fact]
    public async Task CreatingWithConfirmAndAPaymentMethodSucceedsInOneCall()
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.PostAsync("/v1/payment_intents", null, ("amount", "900"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"));

        Assert.Equal("succeeded", (string?)(await ReadAsync(response))["status"]);
    }

    [Fact]
    public async Task ConfirmingASucceededIntentIsAnUnexpectedState()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.SucceededIntentAsync();

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_visa"));
        var error = (await ReadAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("payment_intent_unexpected_state", (string?)error["code"]);
        Assert.Equal("succeeded", (string?)error["payment_intent"]!["status"]);
        Assert.Single(emulator.State.Charges);
    }

    [Fact]
    public async Task CancelingAnOpenIntentCancelsItAndAConfirmAfterwardsIsRefused()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/cancel", null, ("cancellation_reason", "abandoned"));
        var canceled = await ReadAsync(response);
        using var confirm = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_visa"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("canceled", (string?)canceled["status"]);
        Assert.Equal("abandoned", (string?)canceled["cancellation_reason"]);
        Assert.NotNull(canceled["canceled_at"]);
        Assert.Equal("payment_intent.canceled", (string?)emulator.State.Events[^1]["type"]);
        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        Assert.Equal("payment_intent_unexpected_state", (string?)(await ReadAsync(confirm))["error"]!["code"]);
    }

    [Fact]
    public async Task CancelingASucceededIntentIsAnUnexpectedState()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.SucceededIntentAsync();

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}/cancel");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("payment_intent_unexpected_state", (string?)(await ReadAsync(response))["error"]!["code"]);
        Assert.Equal("succeeded", (string?)emulator.State.FindPaymentIntent(Id(intent))!["status"]);
    }
}
