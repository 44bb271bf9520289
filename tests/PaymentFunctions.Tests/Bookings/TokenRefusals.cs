using System.Net;
using System.Net.Http.Headers;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

/// What a refused token leaves behind: on every route of its kind the same answer (status, problem+json, the 403's
/// reason), and nothing changed in storage or at Stripe.
public static class TokenRefusals
{
    /// The SPA's writes and reads, with the token, of a booking of the user it names.
    public static async Task AssertSpaRoutesRefuseAsync(PaymentAppHost host, string token, string user, HttpStatusCode status, string? detail = null)
    {
        var booking = await TestBookings.SeedAsync(host, userId: user);
        using var client = ClientWith(host, token);

        Answer[] answers =
        [
            await CreateBookingAsync(client, idempotencyKey: "\"refused-booking\""),
            await CreateIntentAsync(client, booking.Id, "\"refused-intent\""),
            await GetAsync(client, $"/api/payments/{booking.Id}"),
            await GetAsync(client, $"/api/bookings/{booking.Id}"),
        ];

        AssertAnswers(answers, status, detail);
        Assert.Equal(0, await IdempotencyRowsAsync(host, user));
        Assert.Equal(0, await CountRowsAsync(host.Tables.Lookups, KeyFilters.InPartition(RowKeys.OpenBookingsPartition(user))));
        Assert.Equal(0, await CountRowsAsync(host.Tables.Lookups, KeyFilters.InPartition(RowKeys.IntentCallsPartition(user))));
        var row = Assert.Single(await TestBookings.RowsAsync(host, booking.Id, ""));
        Assert.Equal(RowKeys.Booking, row.RowKey);
        Assert.Null(row.GetString("PaymentIntentId"));
        Assert.DoesNotContain(host.EmulatorState.PaymentIntents, intent => intent["metadata"]?["bookingId"]?.GetValue<string>() == booking.Id);
    }

    /// A staff refund and a staff read, with the token, of a paid booking.
    public static async Task AssertStaffRoutesRefuseAsync(PaymentAppHost host, string token, string user, (string BookingId, string IntentId) paid, HttpStatusCode status, string? detail = null)
    {
        using var client = ClientWith(host, token);

        Answer[] answers =
        [
            await StaffRefundAsync(client, paid.BookingId, 100, idempotencyKey: "\"refused-refund\""),
            await GetAsync(client, $"/api/admin/bookings/{paid.BookingId}"),
        ];

        AssertAnswers(answers, status, detail);
        Assert.Equal(0, await IdempotencyRowsAsync(host, user));
        Assert.Empty(await TestBookings.RowsAsync(host, paid.BookingId, RowKeys.RefundPrefix));
        Assert.Empty(host.EmulatorState.RefundsOf(paid.IntentId));
    }

    public static HttpClient ClientWith(PaymentAppHost host, string token)
    {
        var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static void AssertAnswers(Answer[] answers, HttpStatusCode status, string? detail)
    {
        foreach (var answer in answers)
        {
            answer.AssertProblem(status);
            if (detail is not null)
            {
                Assert.Equal(detail, answer.Json.GetProperty("detail").GetString());
            }
        }
    }
}
