using System.Net;
using Stripe;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// Confirm and cancel through Stripe.net: every answer, errors included, is parsed by the real SDK.
public sealed class ConfirmAndCancelTests
{
    // Stripe.net 53 has no payment_method_types; without redirects a card confirm needs no return_url.
    private static readonly PaymentIntentAutomaticPaymentMethodsOptions CardsOnly = new() { Enabled = true, AllowRedirects = "never" };

    private static Task<PaymentIntent> CardIntentAsync(StripeClient stripe, long amount = 2500) =>
        stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = amount, Currency = "eur", AutomaticPaymentMethods = CardsOnly });

    private static Task<PaymentIntent> ConfirmAsync(StripeClient stripe, string intentId, string paymentMethod, string? returnUrl = null) =>
        stripe.V1.PaymentIntents.ConfirmAsync(intentId, new PaymentIntentConfirmOptions { PaymentMethod = paymentMethod, ReturnUrl = returnUrl });

    [Fact]
    public async Task ConfirmingWithTheVisaTestCardSucceedsAndRecordsAPaidCharge()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CardIntentAsync(stripe, 4200);

        var confirmed = await ConfirmAsync(stripe, intent.Id, "pm_card_visa");
        var charge = await stripe.V1.Charges.GetAsync(confirmed.LatestChargeId);

        Assert.Equal("succeeded", confirmed.Status);
        Assert.Equal(4200, confirmed.AmountReceived);
        Assert.StartsWith("pm_", confirmed.PaymentMethodId, StringComparison.Ordinal);
        Assert.Equal("succeeded", charge.Status);
        Assert.True(charge.Paid);
        Assert.Equal(4200, charge.AmountCaptured);
        Assert.Equal(intent.Id, charge.PaymentIntentId);
        Assert.Equal("4242", charge.PaymentMethodDetails.Card.Last4);
        Assert.Equal(
            ["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"],
            emulator.State.Events.Select(e => (string)e["type"]!));
        Assert.Equal("succeeded", (string?)emulator.State.Events[^1]["data"]!["object"]!["status"]);
    }

    [Fact]
    public async Task ConfirmingWithTheDeclinedCardIsACardErrorAndTheIntentWaitsForAnotherPaymentMethod()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CardIntentAsync(stripe);

        var declined = await Assert.ThrowsAsync<StripeException>(() => ConfirmAsync(stripe, intent.Id, "pm_card_chargeDeclined"));
        var stored = await stripe.V1.PaymentIntents.GetAsync(intent.Id);

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.HttpStatusCode);
        Assert.Equal("card_error", declined.StripeError.Type);
        Assert.Equal("card_declined", declined.StripeError.Code);
        Assert.Equal("generic_decline", declined.StripeError.DeclineCode);
        Assert.Equal("requires_payment_method", declined.StripeError.PaymentIntent.Status);
        Assert.Equal("requires_payment_method", stored.Status);
        Assert.Equal("card_declined", stored.LastPaymentError.Code);
        Assert.Equal(declined.StripeError.Charge, stored.LatestChargeId);
        Assert.Equal(
            ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"],
            emulator.State.Events.Select(e => (string)e["type"]!));

        // A declined intent can be paid with another card, as in Stripe.
        Assert.Equal("succeeded", (await ConfirmAsync(stripe, intent.Id, "pm_card_visa")).Status);
    }

    [Fact]
    public async Task ConfirmingWithTheAuthenticationRequiredCardAsksForARedirect()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CardIntentAsync(stripe);

        var confirmed = await ConfirmAsync(stripe, intent.Id, "pm_card_authenticationRequired", "https://app.example/return");

        Assert.Equal("requires_action", confirmed.Status);
        Assert.Equal("redirect_to_url", confirmed.NextAction.Type);
        Assert.Equal("https://app.example/return", confirmed.NextAction.RedirectToUrl.ReturnUrl);
        Assert.Equal("payment_intent.requires_action", (string?)emulator.State.Events[^1]["type"]);
    }

    [Fact]
    public async Task ConfirmingWithAnUnknownPaymentMethodIsResourceMissing()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CardIntentAsync(stripe);

        var error = await Assert.ThrowsAsync<StripeException>(() => ConfirmAsync(stripe, intent.Id, "pm_card_bogus"));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("payment_method", error.StripeError.Param);
        Assert.Equal("requires_payment_method", (await stripe.V1.PaymentIntents.GetAsync(intent.Id)).Status);
    }

    [Fact]
    public async Task CreatingWithConfirmAndAPaymentMethodSucceedsInOneCall()
    {
        await using var emulator = await StartAsync();

        var intent = await emulator.StripeNet.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 900, Currency = "usd", AutomaticPaymentMethods = CardsOnly, PaymentMethod = "pm_card_visa", Confirm = true,
        });

        Assert.Equal("succeeded", intent.Status);
    }

    [Fact]
    public async Task ConfirmingASucceededIntentIsAnUnexpectedState()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CardIntentAsync(stripe);
        await ConfirmAsync(stripe, intent.Id, "pm_card_visa");

        var error = await Assert.ThrowsAsync<StripeException>(() => ConfirmAsync(stripe, intent.Id, "pm_card_visa"));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("payment_intent_unexpected_state", error.StripeError.Code);
        Assert.Equal("succeeded", error.StripeError.PaymentIntent.Status);
        Assert.Single(emulator.State.Charges);
    }

    [Fact]
    public async Task CancelingAnOpenIntentCancelsItAndAConfirmAfterwardsIsRefused()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CardIntentAsync(stripe);

        var canceled = await stripe.V1.PaymentIntents.CancelAsync(intent.Id, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });
        var confirm = await Assert.ThrowsAsync<StripeException>(() => ConfirmAsync(stripe, intent.Id, "pm_card_visa"));

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal("abandoned", canceled.CancellationReason);
        Assert.NotNull(canceled.CanceledAt);
        Assert.Equal("payment_intent.canceled", (string?)emulator.State.Events[^1]["type"]);
        Assert.Equal(HttpStatusCode.BadRequest, confirm.HttpStatusCode);
        Assert.Equal("payment_intent_unexpected_state", confirm.StripeError.Code);
    }

    [Fact]
    public async Task CancelingASucceededIntentIsAnUnexpectedState()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CardIntentAsync(stripe);
        await ConfirmAsync(stripe, intent.Id, "pm_card_visa");

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CancelAsync(intent.Id));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("payment_intent_unexpected_state", error.StripeError.Code);
        Assert.Equal("succeeded", (await stripe.V1.PaymentIntents.GetAsync(intent.Id)).Status);
    }
}
