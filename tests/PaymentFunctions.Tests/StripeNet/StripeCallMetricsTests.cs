using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Telemetry;
using Stripe;

namespace PaymentFunctions.Tests.StripeNet;

/// stripe.client.request.duration through the app's StripeClient (StripeSetup.CreateClient) and Stripe.net, with the
/// answers scripted at the HTTP edge. Stripe.net sleeps 0.5-1 s between retries; these tests take that time.
public sealed class StripeCallMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<double> _calls;

    public StripeCallMetricsTests() =>
        _calls = new MetricCollector<double>(_services.GetRequiredService<IMeterFactory>(), PaymentsMeter.Name, "stripe.client.request.duration");

    [Fact]
    public async Task EveryAttemptIsTimedWithItsOperationAndStatusRetriesIncluded()
    {
        var stripe = new RecordingStripeHandler().Answer(500, StripeFixtures.ErrorJson("api_error", null, "boom")).Answer(200, StripeFixtures.Resource("payment_intent"));

        await stripe.CreateClient(metrics: Metrics()).V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1099, Currency = "eur" });

        Assert.Equal(
            [("payment_intents.create", "POST", (object?)500), ("payment_intents.create", "POST", 200)],
            _calls.GetMeasurementSnapshot().Select(m => (m.Tags["stripe.operation"], m.Tags["http.request.method"], m.Tags["http.response.status_code"])));
        Assert.All(_calls.GetMeasurementSnapshot(), m => Assert.False(m.Tags.ContainsKey("error.type")));
    }

    [Fact]
    public async Task AnAttemptThatGotNoAnswerIsTimedWithItsErrorTypeAndNoStatus()
    {
        var stripe = new RecordingStripeHandler().FailToConnect();

        await Assert.ThrowsAsync<HttpRequestException>(() => stripe.CreateClient(maxNetworkRetries: 0, metrics: Metrics()).V1.PaymentIntents.CancelAsync("pi_123"));

        var call = Assert.Single(_calls.GetMeasurementSnapshot());
        Assert.Equal(("payment_intents.cancel", typeof(HttpRequestException).FullName), (call.Tags["stripe.operation"], call.Tags["error.type"]));
        Assert.False(call.Tags.ContainsKey("http.response.status_code"));
    }

    /// Every call the app makes (grep stripe.V1 in src/), then paths it does not make; an id never becomes a name.
    [Theory]
    [InlineData("POST", "/v1/customers", "customers.create")]
    [InlineData("POST", "/v1/payment_intents", "payment_intents.create")]
    [InlineData("GET", "/v1/payment_intents/pi_3MtwBw", "payment_intents.retrieve")]
    [InlineData("POST", "/v1/payment_intents/pi_3MtwBw", "payment_intents.update")]
    [InlineData("POST", "/v1/payment_intents/pi_3MtwBw/cancel", "payment_intents.cancel")]
    [InlineData("POST", "/v1/refunds", "refunds.create")]
    [InlineData("GET", "/v1/refunds", "refunds.list")]
    [InlineData("GET", "/v1/events", "events.list")]
    [InlineData("GET", "/v1/payment_methods", "payment_methods.list")]
    [InlineData("GET", "/v1/payment_methods/pm_1Q0PsI", "payment_methods.retrieve")]
    [InlineData("POST", "/v1/payment_methods/pm_1Q0PsI/detach", "payment_methods.detach")]
    [InlineData("GET", "/v1/customers/cus_NffrFe/payment_methods", "customers.payment_methods.list")]
    [InlineData("DELETE", "/v1/customers/cus_NffrFe", "customers.delete")]
    [InlineData("GET", "/v1/payment_intents/search", "payment_intents.search")]
    [InlineData("POST", "/v1/checkout/sessions", "checkout.sessions.create")]
    [InlineData("GET", "/v1/checkout/sessions", "checkout.sessions.list")]
    [InlineData("GET", "/v1/checkout/sessions/cs_test_a1YS1URl", "checkout.sessions.retrieve")]
    [InlineData("POST", "/v1/checkout/sessions/cs_test_a1YS1URl/expire", "checkout.sessions.expire")]
    [InlineData("GET", "/v1", "other")]
    [InlineData("GET", "/health", "other")]
    [InlineData("GET", "/v1/Payment-Intents", "other")]
    public void AnOperationIsNamedFromItsMethodAndPathWithoutItsIds(string method, string path, string operation) =>
        Assert.Equal(operation, StripeOperation.Of(new HttpMethod(method), new Uri("https://api.stripe.com" + path + "?limit=3")));

    public void Dispose()
    {
        _calls.Dispose();
        _services.Dispose();
    }

    private StripeCallMetrics Metrics() => new(_services.GetRequiredService<IMeterFactory>(), TimeProvider.System);
}
