using System.Net;
using Stripe;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// The emulator driven through the app's Stripe.net client (StripeClient with the emulator as API base): the real
/// SDK parses every answer, so what it cannot read, or reads differently from real Stripe, fails here.
public sealed class StripeNetFidelityTests
{
    private const string ReturnUrl = "https://spa.example/bookings/return";

    private static Task<PaymentIntent> CreateAsync(StripeClient stripe, string? allowRedirects = null) =>
        stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2500,
            Currency = "eur",
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = allowRedirects },
            Metadata = new Dictionary<string, string> { ["bookingId"] = "bk_fidelity" },
        });

    [Fact]
    public async Task AutomaticPaymentMethodsComeBackWithAllowRedirectsAlwaysUnlessTheCallerSaidNever()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;

        var byDefault = await CreateAsync(stripe);
        var never = await CreateAsync(stripe, "never");

        Assert.True(byDefault.AutomaticPaymentMethods.Enabled);
        Assert.Equal("always", byDefault.AutomaticPaymentMethods.AllowRedirects);
        Assert.Equal("never", never.AutomaticPaymentMethods.AllowRedirects);
        Assert.Equal("bk_fidelity", byDefault.Metadata["bookingId"]);
        Assert.StartsWith("req_", byDefault.StripeResponse.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerSideConfirmThatMayRedirectIsRefusedWithoutAReturnUrlAsRealStripeRefusesIt()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CreateAsync(stripe);

        var refused = await Assert.ThrowsAsync<StripeException>(() =>
            stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" }));

        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("invalid_request_error", refused.StripeError.Type);
        Assert.Equal("return_url", refused.StripeError.Param);
        Assert.StartsWith("A `return_url` must be specified", refused.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal("requires_payment_method", (await stripe.V1.PaymentIntents.GetAsync(intent.Id)).Status);
        Assert.Empty(emulator.State.Charges);

        var withReturnUrl = await stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa", ReturnUrl = ReturnUrl });
        var cardOnly = await stripe.V1.PaymentIntents.ConfirmAsync((await CreateAsync(stripe, "never")).Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });

        Assert.Equal("succeeded", withReturnUrl.Status);
        Assert.Equal("succeeded", cardOnly.Status);
    }

    [Fact]
    public async Task ExpandingLatestChargeTurnsTheIdIntoTheChargeOnConfirmAndRetrieve()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var intent = await CreateAsync(stripe);
        var expand = new List<string> { "latest_charge" };

        var confirmed = await stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa", ReturnUrl = ReturnUrl, Expand = expand });
        var retrieved = await stripe.V1.PaymentIntents.GetAsync(intent.Id, new PaymentIntentGetOptions { Expand = expand });
        var plain = await stripe.V1.PaymentIntents.GetAsync(intent.Id);

        foreach (var expanded in new[] { confirmed, retrieved })
        {
            Assert.NotNull(expanded.LatestCharge);
            Assert.StartsWith("ch_", expanded.LatestChargeId, StringComparison.Ordinal);
            Assert.Equal(expanded.LatestChargeId, expanded.LatestCharge.Id);
            Assert.Equal(intent.Id, expanded.LatestCharge.PaymentIntentId);
            Assert.Equal(2500, expanded.LatestCharge.Amount);
            Assert.Equal("succeeded", expanded.LatestCharge.Status);
        }

        Assert.Null(plain.LatestCharge);
        Assert.Equal(confirmed.LatestChargeId, plain.LatestChargeId);
    }

    [Fact]
    public async Task EventsAreOfTheSdksApiVersionAndTheirWebhooksPassEventUtilityWithItsVersionCheckOn()
    {
        await using var receiver = await WebhookTests.Receiver.StartAsync(_ => 200);
        await using var emulator = await StartAsync(o => WebhookTests.Configure(o, receiver.Url));
        var stripe = emulator.StripeNet;
        var intent = await CreateAsync(stripe);
        await stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa", ReturnUrl = ReturnUrl });

        var listed = await stripe.V1.Events.ListAsync(new EventListOptions { Types = ["payment_intent.succeeded", "charge.succeeded"] });
        await IdempotencyTests.WaitUntilAsync(() => Task.FromResult(receiver.Received.Count == 3), "three webhooks at the receiver");

        Assert.Equal(2, listed.Data.Count);
        Assert.All(listed.Data, e => Assert.Equal(StripeConfiguration.ApiVersion, e.ApiVersion));
        var delivered = receiver.Received.Select(r => EventUtility.ConstructEvent(r.Body, r.Signature, WebhookTests.Secret)).ToList();
        var succeeded = Assert.IsType<PaymentIntent>(Assert.Single(delivered, e => e.Type == "payment_intent.succeeded").Data.Object);
        Assert.Equal(intent.Id, succeeded.Id);
        Assert.Equal(2500, succeeded.AmountReceived);
        Assert.IsType<Charge>(Assert.Single(delivered, e => e.Type == "charge.succeeded").Data.Object);
    }
}
