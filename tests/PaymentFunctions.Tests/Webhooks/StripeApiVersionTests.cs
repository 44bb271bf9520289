using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;
using Stripe;
using StripeEmulator;

namespace PaymentFunctions.Tests.Webhooks;

/// An event rendered in another API version than Stripe.net's may have another shape: it is never read as typed
/// objects. The webhook refuses it with 409 after verifying the signature (Stripe redelivers once the endpoint
/// and the app agree); reconciliation counts it as a failure and keeps its checkpoint before it.
public sealed class StripeApiVersionTests(QuietServiceBusAppHost fixture) : IClassFixture<QuietServiceBusAppHost>
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Theory]
    [InlineData("2026-10-28.endive", true)]
    [InlineData("2026-11-25.endive", true)] // same release: Stripe changes no shape within one
    [InlineData("2026-07-29.dahlia", false)]
    [InlineData("2024-06-20", false)]
    [InlineData(null, false)]
    [InlineData("", false)]
    public void OnlyTheSdksReleaseIsCompatible(string? version, bool compatible)
    {
        Assert.Equal("2026-10-28.endive", StripeApiVersion.Expected);
        Assert.Equal(compatible, StripeApiVersion.IsCompatible(version));
    }

    [Fact]
    public async Task ASignedEventOfAnotherApiVersionIsRefusedWith409NamingBothVersionsAndNothingIsStored()
    {
        var booking = await TestBookings.SeedAsync(_host);
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_old_version", booking.Id);
        stripeEvent["api_version"] = "2024-06-20";

        var response = await StripeEvents.PostAsync(_host.Client, stripeEvent);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"];
        Assert.Contains("2024-06-20", detail, StringComparison.Ordinal);
        Assert.Contains(StripeConfiguration.ApiVersion, detail, StringComparison.Ordinal);
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.InboxPrefix));
        Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.PaymentFactPrefix));
        Assert.Empty(_host.ServiceBus!.SentFor(booking.Id));
    }

    [Fact]
    public async Task AnEventOfAnotherApiVersionWithABadSignatureIsABadSignatureFirst()
    {
        var stripeEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_old_version", "bk_unknown");
        stripeEvent["api_version"] = "2024-06-20";

        var response = await StripeEvents.PostAsync(_host.Client, stripeEvent, secret: "whsec_not_ours");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("no signature matches", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]);
    }

    [Fact]
    public async Task ReconciliationLeavesAListedEventOfAnotherApiVersionUnprocessedAndFails()
    {
        var booking = await TestBookings.SeedAsync(_host);
        using var stripe = _host.StripeClientForTests();
        var emulatorOptions = _host.Emulator.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        emulatorOptions.ApiVersion = "2024-06-20"; // the account's default, say, still on an old version
        try
        {
            var intentId = await EmulatorCalls.CreateIntentAsync(stripe, booking.Id);
            await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa");

            var run = await FunctionsHostCalls.FireTimerAsync(_host, StripeReconciliation.Name);

            run.AssertFailed();
            Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.PaymentFactPrefix));
            Assert.Empty(await TestBookings.RowsAsync(_host, booking.Id, RowKeys.InboxPrefix));
            Assert.Null(await _host.Tables.Lookups.FindAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow, CancellationToken.None));
        }
        finally
        {
            emulatorOptions.ApiVersion = StripeConfiguration.ApiVersion;
        }
    }
}
