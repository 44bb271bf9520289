using System.Net;
using System.Text.Json.Nodes;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Webhooks;

/// A refund that succeeded and then failed, told by Stripe's events in any order and with redeliveries: every order
/// ends in the same booking, refund row and flag event.
[Collection(AppHostGroup.Name)]
public sealed class RefundEventOrderTests(InProcessAppHost fixture)
{
    private const long Amount = 5000;

    [Fact]
    public async Task RefundEventsInAnyOrderWithDuplicatesEndWithTheRefundFailedAndTheBookingFlaggedOnce()
    {
        var host = fixture.Host;
        var refundCreated = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        var inOrder = await RunAsync(host, refundCreated, events => events);
        var failedFirst = await RunAsync(host, refundCreated, events => [.. events.AsEnumerable().Reverse()]);
        var shuffledTwice = await RunAsync(host, refundCreated, events => [.. events.Concat(events).OrderBy(_ => Random.Shared.Next())]);

        foreach (var outcome in new[] { inOrder, failedFirst, shuffledTwice })
        {
            Assert.Equal(BookingStatus.REFUND_FAILED, outcome.Booking.Status);
            Assert.Equal(0, outcome.Booking.Facts.RefundedAmount);
            Assert.Equal(("failed", "expired_or_canceled_card"), (outcome.Row.GetString("Status"), outcome.Row.GetString("FailureReason")));
            // Only Stripe's events wrote the row (the issuer never answered here): its currency is the booking's.
            Assert.Equal(outcome.Booking.Currency, outcome.Row.GetString("Currency"));
            Assert.Equal(1, outcome.FlagEvents);
        }

        Assert.Equal(inOrder.Booking.Facts.Refunds.Values.Single(), failedFirst.Booking.Facts.Refunds.Values.Single());
        Assert.Equal(inOrder.Booking.Facts.Refunds.Values.Single(), shuffledTwice.Booking.Facts.Refunds.Values.Single());
    }

    [Fact]
    public async Task ARefundThatSucceedsStaysCountedWhateverTheOrderOfItsEvents()
    {
        var host = fixture.Host;
        var booking = await PaidAsync(host);
        var (intentId, refundId, created) = (booking.PaymentIntentId!, "re_ok" + booking.Id[^10..], DateTimeOffset.UtcNow);

        foreach (var stripeEvent in new[]
        {
            StripeEvents.Refund("refund.updated", refundId, intentId, booking.Id, Amount, "succeeded", created),
            StripeEvents.Refund("refund.created", refundId, intentId, booking.Id, Amount, "pending", created),
            StripeEvents.ChargeRefunded("ch_" + refundId[3..], intentId, Amount, Amount),
        })
        {
            Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Client, stripeEvent)).StatusCode);
        }

        var cancelled = await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(host, booking.Id), b => b.Status == BookingStatus.CANCELLED && b.Facts.Refunds.Count == 1, $"booking {booking.Id} to be CANCELLED with one refund");
        Assert.Equal(Amount, cancelled.Facts.RefundedAmount);
        Assert.Equal("succeeded", cancelled.Facts.Refunds[refundId].Status);
    }

    private static async Task<Outcome> RunAsync(PaymentAppHost host, DateTimeOffset created, Func<JsonObject[], JsonObject[]> order)
    {
        var booking = await PaidAsync(host);
        var (intentId, refundId) = (booking.PaymentIntentId!, "re_" + booking.Id[^12..]);
        JsonObject[] events =
        [
            StripeEvents.ChargeRefunded("ch_" + refundId[3..], intentId, Amount, Amount, created),
            StripeEvents.Refund("refund.created", refundId, intentId, booking.Id, Amount, "succeeded", created, created: created),
            StripeEvents.Refund("refund.failed", refundId, intentId, booking.Id, Amount, "failed", created, "expired_or_canceled_card"),
            StripeEvents.Refund("charge.refund.updated", refundId, intentId, booking.Id, Amount, "failed", created, "expired_or_canceled_card"),
            StripeEvents.Refund("refund.updated", refundId, intentId, booking.Id, Amount, "failed", created, "expired_or_canceled_card"),
        ];
        foreach (var stripeEvent in order(events))
        {
            var response = await StripeEvents.PostAsync(host.Client, stripeEvent);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Every event applied: the consumer's inbox holds the success and each of the five refund events once.
        await TestBookings.EventuallyAsync(() => ConsumedAsync(host, booking.Id), count => count == 1 + events.Length, $"the consumer to apply all {1 + events.Length} events of booking {booking.Id}");
        var settled = await TestBookings.LoadAsync(host, booking.Id);
        var row = Assert.Single(await TestBookings.RowsAsync(host, booking.Id, RowKeys.RefundPrefix));
        var flags = host.InProcess!.Published.Count(m => m.BookingId == booking.Id && m.Subject == "booking_refund_failed" && m.Topic == EventTypes.BookingsTopic);
        return new Outcome(settled, row, flags);
    }

    private static async Task<int> ConsumedAsync(PaymentAppHost host, string bookingId) =>
        (await TestBookings.RowsAsync(host, bookingId, RowKeys.InboxPrefix)).Count(r => !r.RowKey.StartsWith(RowKeys.InboxPrefix + "stripe|", StringComparison.Ordinal));

    private static async Task<Booking> PaidAsync(PaymentAppHost host)
    {
        var intentId = "pi_rf" + Guid.NewGuid().ToString("N")[..20];
        var booking = await TestBookings.SeedAsync(host, Amount, paymentIntentId: intentId);
        // charge.refunded names no booking: it is found through the intent, as for the app's own intents.
        await PaymentFunctions.Payments.IntentIndex.RememberAsync(host.Tables, intentId, booking.Id, CancellationToken.None);
        var paid = StripeEvents.PaymentIntent("payment_intent.succeeded", intentId, booking.Id, Amount, created: DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Client, paid)).StatusCode);
        await TestBookings.EventuallyAsync(() => TestBookings.LoadAsync(host, booking.Id), b => b.Status == BookingStatus.CONFIRMED, $"booking {booking.Id} to be CONFIRMED");
        return booking;
    }

    private sealed record Outcome(Booking Booking, Azure.Data.Tables.TableEntity Row, int FlagEvents);
}
