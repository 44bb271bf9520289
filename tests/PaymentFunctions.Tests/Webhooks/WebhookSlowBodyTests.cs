using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Hosting.Standalone;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Webhooks;

/// Slow senders cost a connection and nothing else: a webhook body is read under its own deadline before the webhook
/// takes a turn, so bodies that never finish cannot hold the turns Stripe's webhooks need. Real sockets; the slow
/// bodies stall until the test releases them, and the deadline runs on the app's clock, which only the test moves.
public sealed class WebhookSlowBodyTests
{
    private const int SlowSenders = 64;

    [Fact]
    public async Task SixtyFourBodiesThatNeverFinishDoNotKeepASignedWebhookFromBeingStored()
    {
        var bodies = new ObservedWebhookBodies();
        await using var host = await StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), bodies);
        var booking = await TestBookings.SeedAsync(host);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var senders = new HttpClient { BaseAddress = host.Client.BaseAddress };

        // Twice Stripe:MaxConcurrentWebhooks (32): before the fix 32 of them held every turn and the rest waited.
        var slow = Enumerable.Range(0, SlowSenders).Select(_ => PostDrippingAsync(senders, "{\"id\":\"evt_"u8.ToArray(), "\"}"u8.ToArray(), release.Task)).ToList();
        await TestBookings.EventuallyAsync(() => Task.FromResult(bodies.Started), started => started >= SlowSenders, $"all {SlowSenders} slow bodies to be being read", TimeSpan.FromSeconds(30));

        var genuine = await StripeEvents.PostAsync(host.Client, StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_beside_slow_senders", booking.Id));

        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Single(await TestBookings.RowsAsync(host, booking.Id, RowKeys.PaymentFactPrefix));
        Assert.Equal([(StatusCodes.Status200OK, "application/json; charset=utf-8")], bodies.Answers);
        release.SetResult();
        // Finished at last, they are what they always were: unsigned, so 400 and nothing stored.
        Assert.All(await Task.WhenAll(slow), answer => Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode));
    }

    [Fact]
    public async Task ABodyThatDoesNotArriveWithinTheReadDeadlineIsAnswered408AndStoresNothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var bodies = new ObservedWebhookBodies();
        await using var host = await StartAsync(clock, bodies);
        var booking = await TestBookings.SeedAsync(host);
        var signed = Encoding.UTF8.GetBytes(StripeEvents.PaymentIntent("payment_intent.succeeded", "pi_too_slow", booking.Id).ToJsonString());
        var never = new TaskCompletionSource();
        using var sender = new HttpClient { BaseAddress = host.Client.BaseAddress };

        var sent = PostDrippingAsync(sender, signed[..10], signed[10..], never.Task, StripeSigner.Header(signed, PaymentAppHost.WebhookSecret, clock.GetUtcNow().ToUnixTimeSeconds()));
        await TestBookings.EventuallyAsync(() => Task.FromResult(bodies.Started), started => started == 1, "the slow body to be being read");
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(bodies.Answers);
        clock.Advance(TimeSpan.FromSeconds(1));

        var answers = await TestBookings.EventuallyAsync(() => Task.FromResult(bodies.Answers), a => a.Count > 0, "the slow body to be answered");
        Assert.Equal([(StatusCodes.Status408RequestTimeout, "application/problem+json")], answers);
        never.SetException(new IOException("The sender gave up."));
        await Assert.ThrowsAsync<HttpRequestException>(() => sent);
        Assert.Empty(await TestBookings.RowsAsync(host, booking.Id, RowKeys.InboxPrefix));
        Assert.Empty(await TestBookings.RowsAsync(host, booking.Id, RowKeys.PaymentFactPrefix));
    }

    [Fact]
    public async Task TheStandaloneHostSetsKestrelsLimitsDeliberately()
    {
        await using var host = await PaymentAppHost.StartAsync(serviceBus: true, deliverWebhooks: false);

        var limits = host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(KestrelLimits.MaxConcurrentConnections, limits.MaxConcurrentConnections);
        Assert.Equal(0, limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(1024, limits.MinRequestBodyDataRate?.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate?.GracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
    }

    /// The bodies here stall until the test says so. Kestrel's minimum data rate and the whole webhook's deadline are
    /// wall-clock limits that would cut them first on a slow machine, so in these hosts the one is off and the other
    /// at its longest (the last test checks the rate is set in the app's own host).
    private static Task<PaymentAppHost> StartAsync(TimeProvider clock, ObservedWebhookBodies bodies) =>
        PaymentAppHost.StartAsync(serviceBus: true, deliverWebhooks: false, clock: clock, settings: new Dictionary<string, string?> { ["Stripe:WebhookTimeoutSeconds"] = "60" }, services: s =>
        {
            s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(bodies);
            s.PostConfigure<KestrelServerOptions>(k => k.Limits.MinRequestBodyDataRate = null);
        });

    private static async Task<HttpResponseMessage> PostDrippingAsync(HttpClient client, byte[] first, byte[] rest, Task release, string signature = "t=1,v1=00")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new DrippingContent(first, rest, release) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        return await client.SendAsync(request);
    }
}
