using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class WebhookTests
{
    internal const string Secret = "whsec_emulator_test_secret";

    [Fact]
    public async Task EachEventIsPostedWithTheSignatureStripeDocuments()
    {
        await using var receiver = await Receiver.StartAsync(_ => 200);
        await using var emulator = await StartAsync(o => Configure(o, receiver.Url));

        var intent = await emulator.SucceededIntentAsync();
        await IdempotencyTests.WaitUntilAsync(() => Task.FromResult(receiver.Received.Count == 3), "three webhooks at the receiver");

        var stored = emulator.State.Events;
        foreach (var (body, signature) in receiver.Received)
        {
            var parts = signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{body}")));
            Assert.Equal(expected, parts["v1"]);
            Assert.InRange(long.Parse(parts["t"]), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.Contains(stored, e => e["id"]!.ToString() == JsonNode.Parse(body)!["id"]!.ToString());
        }

        var types = receiver.Received.Select(r => (string)JsonNode.Parse(r.Body)!["type"]!).ToHashSet();
        Assert.Equal(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"], types);
        Assert.Equal(1, (int)JsonNode.Parse(receiver.Received.First().Body)!["pending_webhooks"]!);
        await IdempotencyTests.WaitUntilAsync(() => Task.FromResult(emulator.State.Events.All(e => (int)e["pending_webhooks"]! == 0)), "every event to have no pending webhooks");
        Assert.Equal(Id(intent), (string?)JsonNode.Parse(receiver.Received.Single(r => r.Body.Contains("payment_intent.succeeded", StringComparison.Ordinal)).Body)!["data"]!["object"]!["id"]);
    }

    [Fact]
    public async Task AnEventTheReceiverFailsIsRetriedWithBackoffUntilItIsAccepted()
    {
        var calls = 0;
        await using var receiver = await Receiver.StartAsync(_ => Interlocked.Increment(ref calls) <= 2 ? 500 : 200);
        await using var emulator = await StartAsync(o => Configure(o, receiver.Url));

        await emulator.CreateIntentAsync();
        await IdempotencyTests.WaitUntilAsync(() => Task.FromResult(emulator.State.WebhookDeliveries.Any(d => d.Succeeded)), "a successful webhook delivery");

        var log = emulator.State.WebhookDeliveries;
        Assert.Equal([500, 500, 200], log.Select(d => d.StatusCode));
        Assert.Equal([1, 2, 3], log.Select(d => d.Attempt));
        Assert.Single(log.Select(d => d.EventId).Distinct());
        // The configured 50 ms doubles after each failure; nothing is planned after the accepted attempt.
        Assert.Equal([TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), null], log.Select(d => d.RetryIn));
        Assert.Equal(3, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task AnUnreachableReceiverIsTriedMaxAttemptsTimesWithoutBlockingTheApi()
    {
        var deadPort = FreePort.Next();
        await using var emulator = await StartAsync(o =>
        {
            Configure(o, new Uri($"http://127.0.0.1:{deadPort}/webhooks"));
            o.WebhookMaxAttempts = 3;
        });

        var intent = await emulator.CreateIntentAsync();
        await IdempotencyTests.WaitUntilAsync(() => Task.FromResult(emulator.State.WebhookDeliveries.Count == 3), "three webhook delivery attempts");

        var log = emulator.State.WebhookDeliveries;
        Assert.Equal(3, log.Count);
        Assert.Null(log[^1].RetryIn); // the dispatcher gave up: no fourth attempt is planned
        Assert.All(log, d => Assert.Null(d.StatusCode));
        Assert.All(log, d => Assert.NotNull(d.Error));
        Assert.Equal(1, (int)emulator.State.Events.Single()["pending_webhooks"]!);
        Assert.Equal("requires_payment_method", (string?)intent["status"]);
    }

    internal static void Configure(StripeEmulator.EmulatorOptions options, Uri url)
    {
        options.WebhookUrl = url.ToString();
        options.WebhookSecret = Secret;
        options.WebhookRetryDelay = TimeSpan.FromMilliseconds(50);
    }

    /// A loopback endpoint that records what it is sent and answers with the status the test picks.
    internal sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public ConcurrentQueue<(string Body, string Signature)> Received { get; } = new();

        public static async Task<Receiver> StartAsync(Func<string, int> status)
        {
            var builder = WebApplication.CreateSlimBuilder();
            var port = FreePort.Next();
            var app = builder.Build();
            app.Urls.Add($"http://127.0.0.1:{port}");
            var receiver = new Receiver(app, new Uri($"http://127.0.0.1:{port}/webhooks"));
            app.MapPost("/webhooks", async (HttpContext http) =>
            {
                var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
                receiver.Received.Enqueue((body, http.Request.Headers["Stripe-Signature"].ToString()));
                return Results.StatusCode(status(body));
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
