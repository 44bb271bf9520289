using System.Net;
using System.Text.Json;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// Stripe's 429 (rate limit, error code rate_limit), from the emulator through Stripe.net and its retries: the SPA gets
/// 503 problem+json with Retry-After, nothing is changed or recorded, and the same Idempotency-Key then succeeds.
[Collection(AppHostGroup.Name)]
public sealed class StripeRateLimitTests(InProcessAppHost fixture)
{
    // The collection's one host: its tests run one at a time, so a fault armed here meets only this test's calls.
    private readonly PaymentAppHost _host = fixture.Host;

    [Fact]
    public async Task ARateLimitedIntentIsA503WithRetryAfterThatChangesNothingAndTheSameKeyThenSucceeds()
    {
        var host = _host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var bookingId = await NewBookingIdAsync(alice);
        // Stripe-Should-Retry: true, so Stripe.net retries (Stripe:MaxNetworkRetries, 2): all three attempts are limited.
        await ArmStripeFaultAsync(host, new { path = "/v1/payment_intents", method = "POST", status = 429, shouldRetry = true, count = 3 });

        var limited = await CreateIntentAsync(alice, bookingId, "pay-1");
        var booking = await TestBookings.LoadAsync(host, bookingId);
        var intentRows = await TestBookings.RowsAsync(host, bookingId, "intent|");
        var keysStored = await IdempotencyRowsAsync(host, aliceId);
        var faultsLeft = (int)(await EmulatorStateAsync(host)).GetProperty("faults_pending").GetInt32();
        var retried = await CreateIntentAsync(alice, bookingId, "pay-1");

        limited.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Stripe is busy", limited.Json.GetProperty("title").GetString());
        Assert.InRange(RetryAfterSeconds(limited), 1, 2);
        Assert.DoesNotContain(PaymentAppHost.StripeKey, limited.Body, StringComparison.Ordinal);
        Assert.Equal(0, faultsLeft);
        Assert.Null(booking.PaymentIntentId);
        Assert.Equal(0, booking.IntentAttempt);
        Assert.Equal(BookingStatus.PENDING, booking.Status);
        Assert.Empty(intentRows);
        Assert.Equal(0, keysStored);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        Assert.False(retried.Replayed);
        Assert.Equal(retried.Text("paymentIntentId"), (string?)Assert.Single(host.EmulatorState.IntentsFor(bookingId))["id"]);
    }

    [Fact]
    public async Task ARetryAfterFromStripeIsPassedOnToTheSpa()
    {
        var host = _host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var bookingId = await NewBookingIdAsync(alice);
        await ArmStripeFaultAsync(host, new { path = "/v1/customers", method = "POST", status = 429, retryAfterSeconds = 7 });

        var limited = await CreateIntentAsync(alice, bookingId);

        limited.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(7, RetryAfterSeconds(limited));
        Assert.Empty(host.EmulatorState.CustomersOf(aliceId));
        Assert.Empty(host.EmulatorState.IntentsFor(bookingId));
    }

    [Fact]
    public async Task ARateLimitedCancelIsA503ThatRefundsNothingAndTheRetryRefundsOnce()
    {
        var host = _host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        await ArmStripeFaultAsync(host, new { path = "/v1/refunds", method = "POST", status = 429, retryAfterSeconds = 3 });

        var limited = await CancelAsync(alice, bookingId, "cancel-1");
        var recorded = await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix);
        var booking = await GetAsync(alice, $"/api/bookings/{bookingId}");
        var retried = await CancelAsync(alice, bookingId, "cancel-1");

        limited.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Stripe is busy", limited.Json.GetProperty("title").GetString());
        Assert.Equal(3, RetryAfterSeconds(limited));
        Assert.Empty(recorded);
        Assert.Equal(nameof(BookingStatus.CONFIRMED), booking.Text("status"));
        Assert.Equal(HttpStatusCode.Accepted, retried.Status);
        Assert.Single(host.EmulatorState.RefundsOf(intentId));
    }

    [Fact]
    public async Task RateLimitedSavedCardsAreA503WithRetryAfter()
    {
        var host = _host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        Assert.Equal(HttpStatusCode.Created, (await CreateIntentAsync(alice, await NewBookingIdAsync(alice))).Status);
        await ArmStripeFaultAsync(host, new { path = "/v1/payment_methods", method = "GET", status = 429 });

        var limited = await GetAsync(alice, "/api/payment-methods");

        limited.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.InRange(RetryAfterSeconds(limited), 1, 2);
    }

    internal static int RetryAfterSeconds(Answer answer) => (int)answer.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;

    private static async Task<JsonElement> EmulatorStateAsync(PaymentAppHost host)
    {
        using var emulator = new HttpClient { BaseAddress = host.EmulatorUri };
        return JsonDocument.Parse(await emulator.GetStringAsync("/_emulator/state")).RootElement;
    }
}
