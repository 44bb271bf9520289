using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments.Refunds;

/// The SPA's and staff's refund calls, and a booking paid the way Stripe.js pays it.
public static class RefundCalls
{
    public static Task<Answer> CancelAsync(HttpClient client, string bookingId, string? idempotencyKey = null) =>
        PostEmptyAsync(client, $"/api/bookings/{bookingId}/cancel", idempotencyKey);

    /// A staff refund under idempotencyKey, or a new key per call when none is given (the header is required).
    public static Task<Answer> StaffRefundAsync(HttpClient client, string bookingId, long amount, string reason = "requested_by_customer", string? idempotencyKey = null) =>
        PostAsync(client, $"/api/admin/bookings/{bookingId}/refunds", $$"""{"amount":{{amount}},"reason":"{{reason}}"}""", idempotencyKey ?? $"test-{Guid.NewGuid():N}");

    /// Booking created and paid through the app and the emulator, CONFIRMED by the webhook pipeline.
    public static async Task<(string BookingId, string IntentId)> PaidBookingAsync(PaymentAppHost host, HttpClient client, int quantity = 2, string paymentMethod = "pm_card_visa")
    {
        var bookingId = await NewBookingIdAsync(client, "standard", quantity);
        var intent = await CreateIntentAsync(client, bookingId);
        Assert.Equal(HttpStatusCode.Created, intent.Status);
        var intentId = intent.Text("paymentIntentId");
        using var stripe = host.StripeClientForTests();
        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, intentId, paymentMethod)).StatusCode);
        await StatusEventuallyAsync(client, bookingId, BookingStatus.CONFIRMED);
        return (bookingId, intentId);
    }

    public static Task<Answer> StatusEventuallyAsync(HttpClient client, string bookingId, BookingStatus status) =>
        TestBookings.EventuallyAsync(() => GetAsync(client, $"/api/bookings/{bookingId}"), b => b.Text("status") == status.ToString(), $"booking {bookingId} to become {status}");

    private static async Task<Answer> PostEmptyAsync(HttpClient client, string path, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await Answer.ReadAsync(await client.SendAsync(request));
    }
}
