using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Payments.Refunds;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments.Refunds;

/// The cancel when things go wrong: a second instance, a crash after Stripe's refund, Stripe down or keeping an error.
[Collection(AppHostGroup.Name)]
public sealed class CancelFaultTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task ConcurrentCancelsInTwoInstancesStillMakeOneRefundAtStripe()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        // Two instances, as two processes would be: only Stripe's key keeps them apart.
        var instances = new[] { NewInstance(host), NewInstance(host) };

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => instances[i % 2].CancelAsync(aliceId, bookingId, default)));

        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.All(results, r => Assert.True(r.Outcome is RefundOutcome.Refunding or RefundOutcome.StripeUnavailable, $"{r.Outcome}: {r.Detail}"));
        Assert.All(results.Where(r => r.Outcome == RefundOutcome.Refunding), r => Assert.Equal((string?)refund["id"], r.Answer!.Refund!.Id));
        Assert.Single(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
    }

    private static BookingCancellation NewInstance(PaymentAppHost host) =>
        ActivatorUtilities.CreateInstance<BookingCancellation>(host.Services, ActivatorUtilities.CreateInstance<RefundIssuer>(host.Services));

    [Fact]
    public async Task ACrashBetweenStripesRefundAndOurWriteThenARetryStillMakesOneRefund()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        var fired = 0;
        host.Faults.Rule = point => point == FaultInjection.RefundAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;

        var crashed = await CancelAsync(alice, bookingId, "cancel-crash");
        var recordedAfterCrash = await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix);
        // The harder order: Stripe's charge.refunded has already cancelled the booking when the retry comes.
        await StatusEventuallyAsync(alice, bookingId, BookingStatus.CANCELLED);
        var retried = await CancelAsync(alice, bookingId, "cancel-crash");

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        Assert.Empty(recordedAfterCrash);
        Assert.Equal(HttpStatusCode.Accepted, retried.Status);
        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal((string?)refund["id"], retried.Json.GetProperty("refund").GetProperty("id").GetString());
        Assert.Single(await TestBookings.RowsAsync(host, bookingId, RowKeys.RefundPrefix));
    }

    [Fact]
    public async Task StripeDownIsA503ThatChangesNothingAndTheRetryCancels()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var unpaid = await NewBookingIdAsync(alice);
        var intentId = (await CreateIntentAsync(alice, unpaid)).Text("paymentIntentId");
        var (paid, paidIntentId) = await PaidBookingAsync(host, alice);
        await ArmStripeFaultAsync(host, new { path = $"/v1/payment_intents/{intentId}/cancel", method = "POST", status = 503, count = 10 });
        await ArmStripeFaultAsync(host, new { path = "/v1/refunds", method = "POST", status = 503, count = 10 });

        var unpaidDown = await CancelAsync(alice, unpaid, "cancel-unpaid");
        var paidDown = await CancelAsync(alice, paid, "cancel-paid");
        var unpaidWhileDown = await GetAsync(alice, $"/api/bookings/{unpaid}");
        var recordedWhileDown = await TestBookings.RowsAsync(host, paid, RowKeys.RefundPrefix);
        await ClearStripeFaultsAsync(host);
        var unpaidRetried = await CancelAsync(alice, unpaid, "cancel-unpaid");
        var paidRetried = await CancelAsync(alice, paid, "cancel-paid");

        unpaidDown.AssertProblem(HttpStatusCode.ServiceUnavailable);
        paidDown.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("5", paidDown.Response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("PENDING", unpaidWhileDown.Text("status"));
        Assert.Empty(recordedWhileDown);
        Assert.Equal(HttpStatusCode.OK, unpaidRetried.Status);
        Assert.Equal("canceled", (string?)host.EmulatorState.FindPaymentIntent(intentId)!["status"]);
        Assert.Equal(HttpStatusCode.Accepted, paidRetried.Status);
        Assert.Single(host.EmulatorState.RefundsOf(paidIntentId));
    }

    [Fact]
    public async Task AStripeErrorKeptUnderTheCancelsKeyIsLookedPastWithOneRefundInTheEnd()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        // A 500 while Stripe executed the request: Stripe keeps it under refund-cancel:{booking} and replays it.
        await ArmStripeFaultAsync(host, new { path = "/v1/refunds", method = "POST", status = 500, count = 1, savedUnderKey = true });

        var cancel = await CancelAsync(alice, bookingId);
        var again = await CancelAsync(alice, bookingId);

        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);
        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal(BookingCancellation.IdempotencyKey(bookingId), (string?)refund["metadata"]!["refundKey"]);
        Assert.Equal((string?)refund["id"], again.Json.GetProperty("refund").GetProperty("id").GetString());
        await StatusEventuallyAsync(alice, bookingId, BookingStatus.CANCELLED);
    }

    [Fact]
    public async Task ACrashAfterTheRefundThatFollowedAKeptErrorIsFoundByItsKeyOnTheRetry()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var (bookingId, intentId) = await PaidBookingAsync(host, alice);
        await ArmStripeFaultAsync(host, new { path = "/v1/refunds", method = "POST", status = 500, count = 1, savedUnderKey = true });
        var fired = 0;
        host.Faults.Rule = point => point == FaultInjection.RefundAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;

        var crashed = await CancelAsync(alice, bookingId);
        var retried = await CancelAsync(alice, bookingId);

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        Assert.Equal(HttpStatusCode.Accepted, retried.Status);
        var refund = Assert.Single(host.EmulatorState.RefundsOf(intentId));
        Assert.Equal((string?)refund["id"], retried.Json.GetProperty("refund").GetProperty("id").GetString());
    }
}
