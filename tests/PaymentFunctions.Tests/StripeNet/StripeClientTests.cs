using System.Net;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Tests.StripeNet;

/// The app's StripeClient (StripeSetup.CreateClient) on the wire: what Stripe.net resends on a retry, and what the
/// app reads from its failures. Stripe.net sleeps 0.5-1 s between retries; these tests take that time.
public sealed class StripeClientTests
{
    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };

    [Fact]
    public async Task AServerErrorIsRetriedWithTheSameIdempotencyKeyBodyKeyAndTheSdksApiVersion()
    {
        var stripe = new RecordingStripeHandler().Answer(500, StripeFixtures.ErrorJson("api_error", null, "boom")).Answer(200, StripeFixtures.Resource("payment_intent"));

        var intent = await stripe.CreateClient().V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1099, Currency = "eur" }, Key("pi-create:bk_1:1"));

        Assert.Equal("pi_1PgafyB7WZ01zgkWSjxsAJo3", intent.Id);
        Assert.Equal(2, stripe.Requests.Count);
        Assert.All(stripe.Requests, r =>
        {
            Assert.Equal("pi-create:bk_1:1", r.Headers["Idempotency-Key"]);
            Assert.Equal(StripeConfiguration.ApiVersion, r.Headers["Stripe-Version"]);
            Assert.Equal("Bearer " + RecordingStripeHandler.SecretKey, r.Headers["Authorization"]);
            Assert.Equal(stripe.Requests[0].Body, r.Body);
        });
    }

    [Fact]
    public async Task AStripeThatCannotBeReachedIsRetriedThenReportedAsUnreachableWithoutTheKey()
    {
        var stripe = new RecordingStripeHandler().FailToConnect().FailToConnect().FailToConnect();

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() =>
            stripe.CreateClient(maxNetworkRetries: 2).V1.PaymentIntents.CancelAsync("pi_1", null, Key("pi-cancel:pi_1:202612020000")));

        Assert.True(StripeFailure.IsUnreachable(failure, CancellationToken.None));
        Assert.Equal(3, stripe.Requests.Count);
        Assert.All(stripe.Requests, r => Assert.Equal("pi-cancel:pi_1:202612020000", r.Headers["Idempotency-Key"]));
        Assert.DoesNotContain(RecordingStripeHandler.SecretKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachAttemptHasItsOwnTimeoutAndTheRetryResendsTheKey()
    {
        var stripe = new RecordingStripeHandler().Hang().Hang();

        var failure = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            stripe.CreateClient(maxNetworkRetries: 1, attemptTimeout: TimeSpan.FromMilliseconds(200)).V1.PaymentIntents.CancelAsync("pi_1", null, Key("pi-cancel:pi_1:1")));

        Assert.True(StripeFailure.IsUnreachable(failure, CancellationToken.None));
        Assert.Equal(2, stripe.Requests.Count);
        Assert.All(stripe.Requests, r => Assert.Equal("pi-cancel:pi_1:1", r.Headers["Idempotency-Key"]));
    }

    [Fact]
    public async Task AServerErrorReplayedUnderItsKeyIsRecognisedFromTheIdempotentReplayedHeader()
    {
        var stripe = new RecordingStripeHandler().Answer(500, StripeFixtures.ErrorJson("api_error", null, "kept"), ("Idempotent-Replayed", "true"), ("Stripe-Should-Retry", "false"), ("Request-Id", "req_replayed"));

        var failure = await Assert.ThrowsAsync<StripeException>(() =>
            stripe.CreateClient().V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1099, Currency = "eur" }, Key("pi-create:bk_1:1")));

        Assert.Single(stripe.Requests); // Stripe-Should-Retry: false overrules the 5xx retry
        Assert.True(StripeFailure.IsReplayed(failure));
        Assert.True(StripeFailure.IsServerError(failure));
        Assert.True(StripeFailure.IsTransient(failure));
        Assert.Equal("req_replayed", StripeFailure.RequestId(failure));
    }

    [Theory]
    [InlineData(402, "card_error", "card_declined", false)]
    [InlineData(400, "invalid_request_error", "parameter_invalid_integer", false)]
    [InlineData(400, "idempotency_error", null, false)]
    [InlineData(429, "invalid_request_error", "rate_limit", true)]
    public async Task AClientErrorIsNotRetriedAndIsTransientOnlyWhenTheSameRequestMaySucceedLater(int status, string type, string? code, bool transient)
    {
        var stripe = new RecordingStripeHandler().Answer(status, StripeFixtures.ErrorJson(type, code, "no"), ("Stripe-Should-Retry", "false"));

        var failure = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().V1.PaymentIntents.GetAsync("pi_1"));

        Assert.Single(stripe.Requests);
        Assert.Equal((HttpStatusCode)status, failure.HttpStatusCode);
        Assert.Equal(type, failure.StripeError.Type);
        Assert.Equal(code, failure.StripeError.Code);
        Assert.Equal(transient, StripeFailure.IsTransient(failure));
        Assert.False(StripeFailure.IsReplayed(failure));
    }

    [Fact]
    public async Task AKeyEchoedInAnErrorBodyIsRedactedBeforeStripeNetBuildsItsException()
    {
        var stripe = new RecordingStripeHandler().Answer(400, StripeFixtures.ErrorJson("invalid_request_error", "parameter_invalid", $"Key {RecordingStripeHandler.SecretKey} is not welcome here."));

        var failure = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().V1.PaymentIntents.GetAsync("pi_1"));

        Assert.Equal("Key [redacted] is not welcome here.", failure.StripeError.Message);
        Assert.DoesNotContain(RecordingStripeHandler.SecretKey, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(RecordingStripeHandler.SecretKey, failure.StripeResponse.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedKeyNeverAppearsInTheException()
    {
        var stripe = new RecordingStripeHandler().Answer(401, StripeFixtures.ErrorJson("invalid_request_error", null, "Invalid API Key provided: sk_test_****6789"));

        var failure = await Assert.ThrowsAsync<StripeException>(() => stripe.CreateClient().V1.PaymentIntents.GetAsync("pi_1"));

        Assert.Equal(HttpStatusCode.Unauthorized, failure.HttpStatusCode);
        Assert.DoesNotContain(RecordingStripeHandler.SecretKey, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(RecordingStripeHandler.SecretKey, failure.StripeResponse.ToString(), StringComparison.Ordinal);
    }
}
