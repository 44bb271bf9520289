using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Contracts;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Webhooks;

/// Under overload the webhook endpoint sheds load instead of queueing every request towards storage: with its one
/// turn taken by a webhook whose storage call is held open, the next signed webhook is answered 503 with Retry-After
/// at once, stores nothing, and is stored when Stripe redelivers it. Only a verified body asks for a turn (the body
/// is read under its own deadline first, WebhookSlowBodyTests), so a body without Stripe's signature is refused with
/// 400 even while every turn is taken; before, it waited unread for a turn and got the 503 of a full endpoint, which
/// is how slow unsigned bodies could hold all the turns.
public sealed class WebhookLoadSheddingTests
{
    [Fact]
    public async Task ASaturatedEndpointRefusesAnUnsignedBodyWithoutATurn()
    {
        var azurite = await AzuriteServer.Shared;
        var hold = new HoldRequests(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        await using var host = await PaymentAppHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Stripe:MaxConcurrentWebhooks"] = "1", ["Stripe:WebhookQueueMilliseconds"] = "0" },
            services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, hold.Options())));
        var held = await TestBookings.SeedAsync(host);

        hold.Arm();
        var heldPost = StripeEvents.PostAsync(host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_held_unread", held.Id));
        await hold.Entered;
        var unsigned = await StripeEvents.PostRawAsync(host.Client, "not a Stripe event"u8.ToArray(), "t=1,v1=00");
        hold.Release();

        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Equal("application/problem+json", unsigned.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await heldPost).StatusCode);
    }

    [Fact]
    public async Task ASaturatedEndpointAnswers503WithRetryAfterAndStoresNothing()
    {
        var azurite = await AzuriteServer.Shared;
        var hold = new HoldRequests(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        await using var host = await PaymentAppHost.StartAsync(
            serviceBus: true,
            settings: new Dictionary<string, string?> { ["Stripe:MaxConcurrentWebhooks"] = "1", ["Stripe:WebhookQueueMilliseconds"] = "0" },
            services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, hold.Options())));
        var held = await TestBookings.SeedAsync(host);
        var refused = await TestBookings.SeedAsync(host);
        var refusedEvent = StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_refused", refused.Id);

        hold.Arm();
        var heldPost = StripeEvents.PostAsync(host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_held", held.Id));
        await hold.Entered;
        var answer = await StripeEvents.PostAsync(host.Client, refusedEvent);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), answer.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many webhooks at once", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await TestBookings.RowsAsync(host, refused.Id, RowKeys.InboxPrefix));
        Assert.Empty(await TestBookings.RowsAsync(host, refused.Id, RowKeys.PaymentFactPrefix));
        Assert.Empty(await TestBookings.RowsAsync(host, refused.Id, RowKeys.OutboxPrefix));

        hold.Release();
        Assert.Equal(HttpStatusCode.OK, (await heldPost).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Client, refusedEvent)).StatusCode);
        Assert.Equal(new[] { held.Id, refused.Id }.Order(StringComparer.Ordinal), host.ServiceBus!.Messages(EventTypes.PaymentsTopic).Select(m => m.CorrelationId).Order(StringComparer.Ordinal));
    }
}
