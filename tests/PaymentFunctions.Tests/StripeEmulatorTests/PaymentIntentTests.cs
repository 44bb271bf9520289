using System.Net;
using static PaymentFunctions.Tests.StripeEmulatorTests.EmulatorHost;

namespace PaymentFunctions.Tests.StripeEmulatorTests;

public sealed class PaymentIntentTests
{
    [Fact]
    public async Task CreatingAnIntentReturnsItAwaitingAPaymentMethodWithAClientSecret()
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.PostAsync("/v1/payment_intents", null,
            ("amount", "2500"), ("currency", "EUR"), ("metadata[booking_id]", "b-1"), ("automatic_payment_methods[enabled]", "true"), ("description", "Booking b-1"));
        var intent = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("req_", response.Headers.GetValues("Request-Id").Single(), StringComparison.Ordinal);
        Assert.Matches("^pi_[0-9A-Za-z]{24}$", Id(intent));
        Assert.Equal("payment_intent", (string?)intent["object"]);
        Assert.Equal("requires_payment_method", (string?)intent["status"]);
        Assert.StartsWith(Id(intent) + "_secret_", (string?)intent["client_secret"], StringComparison.Ordinal);
        Assert.Equal(2500, (long)intent["amount"]!);
        Assert.Equal("eur", (string?)intent["currency"]);
        Assert.Equal("b-1", (string?)intent["metadata"]!["booking_id"]);
        Assert.True((bool)intent["automatic_payment_methods"]!["enabled"]!);
        Assert.False((bool)intent["livemode"]!);
        Assert.Null(intent["latest_charge"]);
        Assert.Equal(1, emulator.State.CreateCount);
        Assert.Equal("payment_intent.created", (string?)emulator.State.Events.Single()["type"]);
    }

    [Theory]
    [InlineData(null, "eur", "parameter_missing", "amount")]
    [InlineData("0", "eur", "parameter_invalid_integer", "amount")]
    [InlineData("12.5", "eur", "parameter_invalid_integer", "amount")]
    [InlineData("100", null, "parameter_missing", "currency")]
    public async Task CreatingWithABadAmountOrMissingCurrencyIsRejectedAndCreatesNothing(string? amount, string? currency, string code, string param)
    {
        await using var emulator = await StartAsync();
        var form = new List<(string, string)>();
        if (amount is not null)
        {
            form.Add(("amount", amount));
        }

        if (currency is not null)
        {
            form.Add(("currency", currency));
        }

        using var response = await emulator.PostAsync("/v1/payment_intents", null, [.. form]);
        var error = (await ReadAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal(param, (string?)error["param"]);
        Assert.Equal(0, emulator.State.CreateCount);
        Assert.Empty(emulator.State.Events);
    }

    [Fact]
    public async Task CreatingWithAnUnknownCurrencyNamesTheCurrencyParameter()
    {
        await using var emulator = await StartAsync();

        using var response = await emulator.PostAsync("/v1/payment_intents", null, ("amount", "100"), ("currency", "xyz"));
        var error = (await ReadAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("currency", (string?)error["param"]);
        Assert.StartsWith("Invalid currency: xyz", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrievingReturnsTheStoredIntentAndAnUnknownIdIsResourceMissing()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync();

        var fetched = await emulator.GetAsync($"/v1/payment_intents/{Id(intent)}");
        using var missing = await emulator.Client.GetAsync("/v1/payment_intents/pi_nope");
        var error = (await ReadAsync(missing))["error"]!;

        Assert.Equal(intent.ToJsonString(), fetched.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("resource_missing", (string?)error["code"]);
        Assert.Equal("No such payment_intent: 'pi_nope'", (string?)error["message"]);
    }

    [Fact]
    public async Task UpdatingChangesTheAmountAndMergesMetadata()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.CreateIntentAsync(2500, ("metadata[booking_id]", "b-1"), ("metadata[old]", "x"));

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}", null, ("amount", "3000"), ("metadata[seat]", "12A"), ("metadata[old]", ""));
        var updated = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3000, (long)updated["amount"]!);
        Assert.Equal("""{"booking_id":"b-1","seat":"12A"}""", updated["metadata"]!.ToJsonString());
        Assert.Single(emulator.State.Events);
    }

    [Fact]
    public async Task UpdatingASucceededIntentIsAnUnexpectedState()
    {
        await using var emulator = await StartAsync();
        var intent = await emulator.SucceededIntentAsync();

        using var response = await emulator.PostAsync($"/v1/payment_intents/{Id(intent)}", null, ("amount", "1"));
        var error = (await ReadAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("payment_intent_unexpected_state", (string?)error["code"]);
        Assert.Equal(2500, (long)emulator.State.FindPaymentIntent(Id(intent))!["amount"]!);
    }

    [Theory]
    [InlineData(null, "You did not provide an API key")]
    [InlineData("Bearer sk_live_123", "Invalid API Key provided")]
    [InlineData("Bearer sk_test_", "Invalid API Key provided")]
    [InlineData("Basic c2tfbGl2ZV8xMjM6", "Invalid API Key provided")]
    public async Task RequestsWithoutATestKeyAreUnauthorized(string? authorization, string message)
    {
        await using var emulator = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        emulator.Client.DefaultRequestHeaders.Authorization = null;
        using var response = await emulator.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"invalid_request_error\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_live_123", body, StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Request-Id"));
    }

    [Fact]
    public async Task BasicAuthWithTheKeyAsUserIsAccepted()
    {
        await using var emulator = await StartAsync();
        emulator.Client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("sk_test_abc:"u8.ToArray()));

        using var response = await emulator.Client.GetAsync("/v1/events");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void BuildingForProductionIsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StripeEmulator.EmulatorApp.Build(["--environment", "Production"]));

        Assert.Equal("The Stripe emulator is for development only", error.Message);
    }
}
