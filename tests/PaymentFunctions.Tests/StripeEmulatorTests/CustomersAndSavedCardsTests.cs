using System.Net;
using Stripe;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// Customers and saved cards through Stripe.net: a confirm with setup_future_usage attaches the card to the
/// intent's customer; list, detach, and a detached card that cannot pay again.
public sealed class CustomersAndSavedCardsTests
{
    private static Task<PaymentIntent> CreateAsync(StripeClient stripe, string customer, string? setupFutureUsage = "off_session") =>
        stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2500,
            Currency = "eur",
            Customer = customer,
            SetupFutureUsage = setupFutureUsage,
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
        });

    [Fact]
    public async Task ACustomerIsCreatedOncePerIdempotencyKeyAndReadBack()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var options = new CustomerCreateOptions { Metadata = new() { ["userId"] = "alice" } };

        var created = await stripe.V1.Customers.CreateAsync(options, new RequestOptions { IdempotencyKey = "customer:alice" });
        var replayed = await stripe.V1.Customers.CreateAsync(options, new RequestOptions { IdempotencyKey = "customer:alice" });
        var read = await stripe.V1.Customers.GetAsync(created.Id);

        Assert.StartsWith("cus_", created.Id, StringComparison.Ordinal);
        Assert.Equal(created.Id, replayed.Id);
        Assert.Equal("alice", read.Metadata["userId"]);
        Assert.Single(emulator.State.Customers);
        Assert.Equal("customer.created", (string?)emulator.State.Events.Single()["type"]);
    }

    [Fact]
    public async Task AConfirmWithSetupFutureUsageSavesTheCardOnTheCustomerWithBrandLast4AndExpiry()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions());
        var other = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions());

        var saved = await stripe.V1.PaymentIntents.ConfirmAsync((await CreateAsync(stripe, customer.Id)).Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_mastercard" });
        var notSaved = await stripe.V1.PaymentIntents.ConfirmAsync((await CreateAsync(stripe, customer.Id, null)).Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        var cards = await stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id, Type = "card" });
        var viaCustomer = await stripe.V1.Customers.PaymentMethods.ListAsync(customer.Id);
        var othersCards = await stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = other.Id, Type = "card" });

        Assert.Equal("succeeded", saved.Status);
        Assert.Equal("off_session", saved.SetupFutureUsage);
        Assert.Equal(customer.Id, saved.CustomerId);
        Assert.Equal("succeeded", notSaved.Status);
        var card = Assert.Single(cards.Data);
        Assert.Equal(saved.PaymentMethodId, card.Id);
        Assert.StartsWith("pm_", card.Id, StringComparison.Ordinal);
        Assert.Equal(customer.Id, card.CustomerId);
        Assert.Equal("mastercard", card.Card.Brand);
        Assert.Equal("4444", card.Card.Last4);
        Assert.Equal(12, card.Card.ExpMonth);
        Assert.Equal(2034, card.Card.ExpYear);
        Assert.Equal([card.Id], viaCustomer.Data.Select(c => c.Id));
        Assert.Empty(othersCards.Data);
        Assert.Contains(emulator.State.Events, e => (string?)e["type"] == "payment_method.attached");
    }

    [Fact]
    public async Task ASavedCardPaysTheNextIntentOfItsCustomerOnlyAndNeverAgainOnceDetached()
    {
        await using var emulator = await StartAsync();
        var stripe = emulator.StripeNet;
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions());
        var other = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions());
        var first = await stripe.V1.PaymentIntents.ConfirmAsync((await CreateAsync(stripe, customer.Id)).Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        var cardId = first.PaymentMethodId;

        var reused = await stripe.V1.PaymentIntents.ConfirmAsync((await CreateAsync(stripe, customer.Id, null)).Id, new PaymentIntentConfirmOptions { PaymentMethod = cardId });
        var foreign = await Assert.ThrowsAsync<StripeException>(async () => await stripe.V1.PaymentIntents.ConfirmAsync((await CreateAsync(stripe, other.Id, null)).Id, new PaymentIntentConfirmOptions { PaymentMethod = cardId }));
        var detached = await stripe.V1.PaymentMethods.DetachAsync(cardId);
        var afterDetach = await stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id, Type = "card" });
        var detachAgain = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentMethods.DetachAsync(cardId));
        var payAgain = await Assert.ThrowsAsync<StripeException>(async () => await stripe.V1.PaymentIntents.ConfirmAsync((await CreateAsync(stripe, customer.Id, null)).Id, new PaymentIntentConfirmOptions { PaymentMethod = cardId }));

        Assert.Equal("succeeded", reused.Status);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.HttpStatusCode);
        Assert.Equal("payment_method", foreign.StripeError.Param);
        Assert.Null(detached.CustomerId);
        Assert.Empty(afterDetach.Data);
        Assert.Equal(HttpStatusCode.BadRequest, detachAgain.HttpStatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, payAgain.HttpStatusCode);
        Assert.Equal("payment_method_unexpected_state", payAgain.StripeError.Code);
        Assert.Contains(emulator.State.Events, e => (string?)e["type"] == "payment_method.detached");
    }

    [Fact]
    public async Task AnIntentForAnUnknownCustomerIsRefusedAndNothingIsCreated()
    {
        await using var emulator = await StartAsync();

        var refused = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(emulator.StripeNet, "cus_missing"));
        var badUsage = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(emulator.StripeNet, (emulator.StripeNet.V1.Customers.Create(new CustomerCreateOptions())).Id, "sometimes"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("resource_missing", refused.StripeError.Code);
        Assert.Equal("customer", refused.StripeError.Param);
        Assert.Equal("setup_future_usage", badUsage.StripeError.Param);
        Assert.Empty(emulator.State.PaymentIntents);
    }
}
