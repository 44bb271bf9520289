using Azure;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Clients.Stripe;

public sealed class StripeRetryTests
{
    private static readonly PaymentIntentCreateOptions Create = new(1099, "EUR") { Metadata = { ["bookingId"] = "b-1" } };

    [Theory]
    [InlineData(409)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_retried_status_is_resent_with_the_same_idempotency_key_and_body(int status)
    {
        var stripe = new FakeStripeHandler()
            .Answer(status, StripeFixtures.ErrorJson("api_error", null, "try again"))
            .Answer(status, StripeFixtures.ErrorJson("api_error", null, "try again"))
            .Answer(200, StripeFixtures.PaymentIntentJson, ("Request-Id", "req_ok"));

        var intent = await stripe.CreateClient().CreatePaymentIntentAsync(Create, "booking-b-1-attempt-1");

        Assert.Equal("req_ok", intent.RequestId);
        Assert.Equal(3, stripe.Requests.Count);
        Assert.All(stripe.Requests, r => Assert.Equal("booking-b-1-attempt-1", r.Headers["Idempotency-Key"]));
        Assert.Single(stripe.Requests.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task A_connection_error_is_retried_with_the_same_idempotency_key()
    {
        var stripe = new FakeStripeHandler().FailToConnect().FailToConnect().Answer(200, StripeFixtures.PaymentIntentJson);

        await stripe.CreateClient().CancelPaymentIntentAsync("pi_1", "abandoned", "cancel-b-1");

        Assert.Equal(3, stripe.Requests.Count);
        Assert.All(stripe.Requests, r => Assert.Equal("cancel-b-1", r.Headers["Idempotency-Key"]));
    }

    [Fact]
    public async Task An_unreachable_Stripe_gives_a_transient_exception_after_the_configured_retries()
    {
        var delays = new List<TimeSpan>();
        var options = new StripeClientOptions { Jitter = () => 1.0, Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; } };
        var client = new StripeClient(new Uri($"http://127.0.0.1:{FreePort.Next()}"), new AzureKeyCredential("sk_test_x"), options);

        var error = await Assert.ThrowsAsync<StripeException>(() => client.GetPaymentIntentAsync("pi_1"));

        Assert.Equal(0, error.Status);
        Assert.True(error.IsTransient);
        Assert.Contains("3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1)], delays);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(402)]
    [InlineData(404)]
    public async Task A_client_error_is_not_retried(int status)
    {
        var stripe = new FakeStripeHandler().Answer(status, StripeFixtures.ErrorJson("card_error", "card_declined", "declined"));

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().CreatePaymentIntentAsync(Create, "k"));

        Assert.Equal(status, error.Status);
        Assert.Single(stripe.Requests);
        Assert.Empty(stripe.Delays);
    }

    [Fact]
    public async Task Stripe_should_retry_false_stops_the_retry_of_a_500()
    {
        var stripe = new FakeStripeHandler().Answer(500, StripeFixtures.ErrorJson("api_error", null, "x"), ("Stripe-Should-Retry", "false"));

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().CreatePaymentIntentAsync(Create, "k"));

        Assert.Equal(500, error.Status);
        Assert.Single(stripe.Requests);
    }

    [Fact]
    public async Task Stripe_should_retry_true_retries_a_400()
    {
        var stripe = new FakeStripeHandler()
            .Answer(400, StripeFixtures.ErrorJson("invalid_request_error", "lock_timeout", "x"), ("Stripe-Should-Retry", "true"))
            .Answer(200, StripeFixtures.PaymentIntentJson);

        await stripe.CreateClient().CreatePaymentIntentAsync(Create, "k");

        Assert.Equal(2, stripe.Requests.Count);
    }

    [Fact]
    public async Task When_retries_run_out_the_last_answer_is_reported_with_its_request_id()
    {
        var stripe = new FakeStripeHandler();
        for (var i = 1; i <= 3; i++)
        {
            stripe.Answer(503, StripeFixtures.ErrorJson("api_error", null, "down"), ("Request-Id", $"req_{i}"));
        }

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().GetEventAsync("evt_1"));

        Assert.Equal(3, stripe.Requests.Count);
        Assert.Equal("req_3", error.RequestId);
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData(1.0, new[] { 0.5, 1, 2, 4, 5, 5 })]
    [InlineData(0.0, new[] { 0.5, 0.75, 1.5, 3, 3.75, 3.75 })]
    public async Task Delays_double_from_half_a_second_are_capped_at_five_and_jittered_to_75_to_100_percent(double jitter, double[] expectedSeconds)
    {
        var stripe = new FakeStripeHandler();
        for (var i = 0; i < 7; i++)
        {
            stripe.Answer(500, "{}");
        }

        var client = stripe.CreateClient(configure: o => { o.MaxNetworkRetries = 6; o.Jitter = () => jitter; });
        await Assert.ThrowsAsync<StripeException>(() => client.GetPaymentIntentAsync("pi_1"));

        Assert.Equal(expectedSeconds, stripe.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task Random_jitter_keeps_every_delay_within_Stripe_nets_bounds()
    {
        var stripe = new FakeStripeHandler();
        for (var i = 0; i < 6; i++)
        {
            stripe.Answer(502, "<html>bad gateway</html>");
        }

        var client = stripe.CreateClient(configure: o => { o.MaxNetworkRetries = 5; o.Jitter = null; });
        await Assert.ThrowsAsync<StripeException>(() => client.GetPaymentIntentAsync("pi_1"));

        double[] nominal = [0.5, 1, 2, 4, 5];
        Assert.Equal(nominal.Length, stripe.Delays.Count);
        for (var i = 0; i < nominal.Length; i++)
        {
            Assert.InRange(stripe.Delays[i].TotalSeconds, Math.Max(0.5, nominal[i] * 0.75), nominal[i]);
        }
    }

    [Fact]
    public async Task Every_attempt_carries_the_current_key_the_pinned_version_and_form_content_type()
    {
        var key = new AzureKeyCredential("sk_test_old");
        var stripe = new FakeStripeHandler().Answer(200, StripeFixtures.PaymentIntentJson).Answer(200, StripeFixtures.PaymentIntentJson);
        var client = stripe.CreateClient(key, o => o.ApiVersion = "2024-06-20");

        await client.CreatePaymentIntentAsync(Create, "k1");
        key.Update("sk_test_new");
        await client.CreatePaymentIntentAsync(Create, "k2");

        Assert.Equal(["Bearer sk_test_old", "Bearer sk_test_new"], stripe.Requests.Select(r => r.Headers["Authorization"]));
        Assert.All(stripe.Requests, r => Assert.Equal("2024-06-20", r.Headers["Stripe-Version"]));
        Assert.All(stripe.Requests, r => Assert.StartsWith("application/x-www-form-urlencoded", r.Headers["Content-Type"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_GET_carries_no_idempotency_key()
    {
        var stripe = new FakeStripeHandler().Answer(200, StripeFixtures.PaymentIntentJson);

        await stripe.CreateClient().GetPaymentIntentAsync("pi_1");

        Assert.False(stripe.Requests.Single().Headers.ContainsKey("Idempotency-Key"));
        Assert.Equal("/v1/payment_intents/pi_1", stripe.Requests.Single().Uri.AbsolutePath);
    }
}
