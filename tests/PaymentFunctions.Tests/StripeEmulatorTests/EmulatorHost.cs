using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Tests.Infrastructure;
using StripeEmulator;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// One emulator per test on a free loopback port, with the app's Stripe.net client pointed at it (StripeNet) and a
/// raw client that speaks Stripe's form encoding for requests Stripe.net would never send.
internal sealed class EmulatorHost : IAsyncDisposable
{
    public const string ApiKey = "sk_test_emulator_tests";
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = baseAddress };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    /// The app's own client factory with the emulator as API base and no retries (a test sees each answer).
    public global::Stripe.StripeClient StripeNet => StripeSetup.CreateClient(new StripeOptions { SecretKey = ApiKey, ApiBase = BaseAddress, MaxNetworkRetries = 0 });

    public EmulatorState State => _app.Services.GetRequiredService<EmulatorState>();

    public static async Task<EmulatorHost> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var app = EmulatorApp.Build(["--Logging:LogLevel:Default=Warning"], configure);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        app.Urls.Add(baseAddress.ToString());
        await app.StartAsync();
        return new EmulatorHost(app, baseAddress);
    }

    public Task<HttpResponseMessage> PostAsync(string path, string? idempotencyKey = null, params (string Key, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Key, p.Value))),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return Client.SendAsync(request);
    }

    public async Task<JsonObject> CreateIntentAsync(long amount = 2500, params (string Key, string Value)[] extra)
    {
        using var response = await PostAsync("/v1/payment_intents", null, [("amount", amount.ToString()), ("currency", "eur"), .. extra]);
        var body = await ReadAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body;
    }

    public async Task<JsonObject> SucceededIntentAsync(long amount = 2500)
    {
        var intent = await CreateIntentAsync(amount);
        using var response = await PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", null, ("payment_method", "pm_card_visa"));
        var body = await ReadAsync(response);
        Assert.Equal("succeeded", (string?)body["status"]);
        return body;
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return await ReadAsync(response);
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static string Id(JsonNode node) => (string)node["id"]!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// A clock the test moves by hand; timers still run on real time.
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
