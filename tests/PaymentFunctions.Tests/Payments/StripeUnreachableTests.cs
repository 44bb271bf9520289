using System.Net;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// No Stripe answers at all (a closed port): Stripe.net retries, then lets HttpClient's exception through; the
/// SPA gets the same 503 + Retry-After as for a Stripe 5xx, without the key, and nothing is recorded.
[Collection(AppHostGroup.Name)]
public sealed class StripeUnreachableTests
{
    [Fact]
    public async Task AStripeThatNeverAnswersIsA503ProblemWithRetryAfterAndTheBookingKeepsNoIntent()
    {
        var closedPort = FreePort.Next();
        await using var host = await PaymentAppHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Stripe:ApiBase"] = $"http://127.0.0.1:{closedPort}",
            ["Stripe:MaxNetworkRetries"] = "1",
        });
        using var alice = host.ClientFor("alice");
        var bookingId = await NewBookingIdAsync(alice);

        var down = await CreateIntentAsync(alice, bookingId, "pay-while-unreachable");

        down.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("5", down.Response.Headers.GetValues("Retry-After").Single());
        Assert.DoesNotContain(PaymentAppHost.StripeKey, down.Body, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await GetAsync(alice, $"/api/bookings/{bookingId}")).Json.GetProperty("paymentIntentId").ValueKind);
        Assert.Equal(0, await CountRowsAsync(host.Tables.Idempotency));
    }
}
