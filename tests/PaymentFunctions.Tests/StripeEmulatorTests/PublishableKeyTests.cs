using System.Net;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

/// What a browser with a publishable key may do, as Stripe.js does it: the key and the intent's client secret as form
/// (or query) fields, from any origin. Only retrieving and confirming that one PaymentIntent.
public sealed class PublishableKeyTests
{
    private const string PublishableKey = "pk_test_emulator_tests";

    [Fact]
    public async Task ABrowserConfirmsAnIntentWithThePublishableKeyAndItsClientSecretFromAnyOrigin()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync(3100);
        using var browser = new HttpClient { BaseAddress = emulator.BaseAddress };

        using var confirm = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/payment_intents/{Id(intent)}/confirm")
        {
            Headers = { { "Origin", "http://127.0.0.1:7071" } },
            Content = Form(("payment_method", "pm_card_visa"), ("client_secret", (string)intent["client_secret"]!), ("key", PublishableKey)),
        });
        var confirmed = await ReadAsync(confirm);
        using var read = await browser.GetAsync($"/v1/payment_intents/{Id(intent)}?key={PublishableKey}&client_secret={(string)intent["client_secret"]!}");

        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal("*", confirm.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("succeeded", (string?)confirmed["status"]);
        Assert.Equal("succeeded", (string?)emulator.State.FindPaymentIntent(Id(intent))!["status"]);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("succeeded", (string?)(await ReadAsync(read))["status"]);
    }

    [Fact]
    public async Task AWrongOrMissingClientSecretIsRefusedAndTheIntentIsNotConfirmed()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();
        var other = await emulator.CreateIntentAsync();
        using var browser = new HttpClient { BaseAddress = emulator.BaseAddress };

        using var wrong = await browser.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", Form(("payment_method", "pm_card_visa"), ("client_secret", (string)other["client_secret"]!), ("key", PublishableKey)));
        using var missing = await browser.PostAsync($"/v1/payment_intents/{Id(intent)}/confirm", Form(("payment_method", "pm_card_visa"), ("key", PublishableKey)));
        var wrongError = (await ReadAsync(wrong))["error"]!;
        var missingError = (await ReadAsync(missing))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("payment_intent_invalid_parameter", (string?)wrongError["code"]);
        Assert.Equal("client_secret", (string?)wrongError["param"]);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("parameter_missing", (string?)missingError["code"]);
        Assert.Equal("requires_payment_method", (string?)emulator.State.FindPaymentIntent(Id(intent))!["status"]);
    }

    [Theory]
    [InlineData("POST", "/v1/payment_intents")]
    [InlineData("POST", "/v1/refunds")]
    [InlineData("GET", "/v1/events")]
    [InlineData("GET", "/v1/customers/cus_1")]
    public async Task EverythingElseNeedsTheSecretKey(string method, string path)
    {
        await using var emulator = await StartAsync();
        using var browser = new HttpClient { BaseAddress = emulator.BaseAddress };
        browser.DefaultRequestHeaders.Authorization = new("Bearer", PublishableKey);

        using var answer = await browser.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? Form(("amount", "100"), ("currency", "eur")) : null });
        var error = (await ReadAsync(answer))["error"]!;

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.StartsWith("This API call cannot be made with a publishable API key.", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(0, emulator.State.CreateCount);
        Assert.Empty(emulator.State.Refunds);
    }

    [Fact]
    public async Task APreflightFromAnyOriginIsAnsweredForTheApi()
    {
        await using var emulator = await StartAsync();
        using var browser = new HttpClient { BaseAddress = emulator.BaseAddress };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/payment_intents/pi_1/confirm")
        {
            Headers = { { "Origin", "http://localhost:5173" }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "authorization" } },
        };

        using var answer = await browser.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
}
