using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Azure;
using Azure.Core.Diagnostics;
using PaymentFunctions.Clients.Stripe;

namespace PaymentFunctions.Tests.Clients.Stripe;

public sealed class StripeErrorTests
{
    private static readonly PaymentIntentCreateOptions Create = new(1099, "eur");

    [Fact]
    public async Task A_card_decline_becomes_a_StripeException_with_the_parsed_error_and_request_id()
    {
        var stripe = new FakeStripeHandler().Answer(
            402,
            StripeFixtures.ErrorJson("card_error", "card_declined", "Your card was declined.", "insufficient_funds"),
            ("Request-Id", "req_abc"));

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().CreatePaymentIntentAsync(Create, "k"));

        Assert.Equal(402, error.Status);
        Assert.Equal("req_abc", error.RequestId);
        Assert.Equal(new StripeError("card_error", "card_declined", "insufficient_funds", null, "Your card was declined."), error.Error);
        Assert.StartsWith("Stripe answered 402 card_error/card_declined (req_abc)", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_body_that_is_not_a_Stripe_error_still_gives_a_clear_exception()
    {
        var stripe = new FakeStripeHandler().Answer(502, "<html>Bad Gateway</html>");

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient(configure: o => o.MaxNetworkRetries = 0).GetEventAsync("evt_1"));

        Assert.Equal(502, error.Status);
        Assert.Null(error.Error);
        Assert.Equal("Stripe answered 502 without a Stripe error body (no request id)", error.Message);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_success_with_an_unreadable_body_names_the_problem()
    {
        var stripe = new FakeStripeHandler().Answer(200, """{"object":"payment_intent","id":"pi_1"}""", ("Request-Id", "req_1"));

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().GetPaymentIntentAsync("pi_1"));

        Assert.Equal(200, error.Status);
        Assert.IsType<FormatException>(error.InnerException);
        Assert.Contains("'status'", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData(409, "idempotency_error", null, false)]
    [InlineData(409, "invalid_request_error", "lock_timeout", true)]
    [InlineData(429, "invalid_request_error", "rate_limit", true)]
    [InlineData(500, "api_error", null, true)]
    [InlineData(400, "invalid_request_error", "parameter_missing", false)]
    [InlineData(401, "invalid_request_error", null, false)]
    public async Task IsTransient_says_whether_the_same_request_may_succeed_later(int status, string type, string? code, bool transient)
    {
        var stripe = new FakeStripeHandler().Answer(status, StripeFixtures.ErrorJson(type, code, "m"));

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient(configure: o => o.MaxNetworkRetries = 0).GetPaymentIntentAsync("pi_1"));

        Assert.Equal(transient, error.IsTransient);
    }

    [Fact]
    public async Task The_secret_key_never_appears_in_the_exception_even_when_the_server_echoes_it()
    {
        var secret = "sk_test_" + Guid.NewGuid().ToString("N");
        var stripe = new FakeStripeHandler().Answer(401, StripeFixtures.ErrorJson("invalid_request_error", null, $"Invalid API Key provided: {secret}"));

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient(new AzureKeyCredential(secret)).GetPaymentIntentAsync("pi_1"));

        Assert.Equal(401, error.Status);
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.Error!.Message!, StringComparison.Ordinal);
        Assert.Contains("[redacted]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_Core_request_logging_redacts_the_authorization_header()
    {
        var secret = "sk_test_" + Guid.NewGuid().ToString("N");
        var lines = new ConcurrentQueue<string>();
        using (new AzureEventSourceListener((_, line) => lines.Enqueue(line), EventLevel.Verbose))
        {
            var stripe = new FakeStripeHandler().Answer(200, StripeFixtures.PaymentIntentJson, ("Request-Id", "req_logged"));
            await stripe.CreateClient(new AzureKeyCredential(secret), o => o.Diagnostics.IsLoggingContentEnabled = true)
                .CreatePaymentIntentAsync(Create, "idem-logged");
        }

        var ours = lines.Where(l => l.Contains("idem-logged", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ours);
        Assert.Contains(ours, l => l.Contains("Authorization:REDACTED", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
