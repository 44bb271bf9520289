using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Tests.Infrastructure;

/// Puts bookings straight into the Bookings table, for tests of the webhook and booking-consumer paths.
public static class TestBookings
{
    /// <paramref name="id"/>: a booking id chosen before the booking exists (an event already names it); a new one otherwise.
    public static async Task<Booking> SeedAsync(PaymentAppHost host, long amount = 2500, string currency = "eur", DateTimeOffset? holdExpiresAt = null, string? paymentIntentId = null, string userId = "user-1", string? issuedIntentId = null, string? id = null, string? checkoutSessionId = null)
    {
        await host.Tables.EnsureCreatedAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var booking = new Booking
        {
            Id = id ?? new BookingIds().Next(),
            UserId = userId,
            TicketTypeId = "standard",
            Quantity = 1,
            Amount = amount,
            Currency = currency,
            Status = BookingStatus.PENDING,
            CreatedAt = now,
            UpdatedAt = now,
            HoldExpiresAt = holdExpiresAt ?? now.AddMinutes(30),
            PaymentIntentId = paymentIntentId,
            IntentAttempt = paymentIntentId is null ? 0 : 1,
            CheckoutSessionId = checkoutSessionId,
            CheckoutAttempt = checkoutSessionId is null ? 0 : 1,
        };
        await HoldIndex.AddAsync(host.Tables, booking.Id, booking.HoldExpiresAt, CancellationToken.None);
        await host.Tables.Bookings.AddCheckedAsync(booking.ToEntity(), CancellationToken.None);
        if (paymentIntentId is not null)
        {
            await IssueAsync(host, booking.Id, paymentIntentId, attempt: 1);
        }
        else if (issuedIntentId is not null)
        {
            await IssueAsync(host, booking.Id, issuedIntentId, attempt: 1);
        }

        if (checkoutSessionId is not null)
        {
            await IssueSessionAsync(host, booking.Id, checkoutSessionId, attempt: 1);
        }

        return booking;
    }

    /// The intent row the issuer writes with the booking row: the consumer moves a booking only for an intent it issued.
    public static async Task IssueAsync(PaymentAppHost host, string bookingId, string paymentIntentId, int attempt) =>
        await host.Tables.Bookings.UpsertCheckedAsync(
            new TableEntity(bookingId, RowKeys.Intent(attempt)) { ["PaymentIntentId"] = paymentIntentId, ["Attempt"] = attempt, ["RecordedAt"] = DateTimeOffset.UtcNow },
            TableUpdateMode.Replace,
            CancellationToken.None);

    /// The session row the Checkout issuer writes with the booking row.
    public static async Task IssueSessionAsync(PaymentAppHost host, string bookingId, string checkoutSessionId, int attempt) =>
        await host.Tables.Bookings.UpsertCheckedAsync(
            new TableEntity(bookingId, RowKeys.CheckoutSession(attempt)) { ["CheckoutSessionId"] = checkoutSessionId, ["Attempt"] = attempt, ["RecordedAt"] = DateTimeOffset.UtcNow },
            TableUpdateMode.Replace,
            CancellationToken.None);

    /// An intent made at the emulator for the booking and recorded as the booking's own (its intent row), as the
    /// issuer would; the booking row is left as it is.
    public static async Task<string> IssueAtStripeAsync(PaymentAppHost host, HttpClient stripe, string bookingId)
    {
        var intentId = await EmulatorCalls.CreateIntentAsync(stripe, bookingId);
        await IssueAsync(host, bookingId, intentId, attempt: 1);
        return intentId;
    }

    public static async Task<Booking> LoadAsync(PaymentAppHost host, string bookingId) =>
        Booking.FromEntity((await host.Tables.Bookings.FindAsync(bookingId, RowKeys.Booking, CancellationToken.None))!);

    public static async Task<List<TableEntity>> RowsAsync(PaymentAppHost host, string bookingId, string rowKeyPrefix)
    {
        var rows = new List<TableEntity>();
        var filter = rowKeyPrefix.Length > 0
            ? KeyFilters.InPartitionStartingWith(bookingId, rowKeyPrefix)
            : KeyFilters.InPartition(bookingId);
        await foreach (var row in host.Tables.Bookings.QueryAsync<TableEntity>(filter))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// Every payment fact the webhooks stored for the booking, folded, whatever intent it is for (what the SPA polls
    /// counts the booking's own intents only: Payments/PaymentStatusReader).
    public static async Task<PaymentState?> StoredPaymentStateAsync(PaymentAppHost host, string bookingId) =>
        PaymentState.Fold((await RowsAsync(host, bookingId, RowKeys.PaymentFactPrefix)).Select(PaymentState.EventOf));

    /// The booking's outbox rows once the background OutboxCleanup has deleted what was settled (deletion is off
    /// the request path, so "sent" and "row gone" are not the same moment).
    public static Task<List<TableEntity>> OutboxAfterCleanupAsync(PaymentAppHost host, string bookingId) =>
        EventuallyAsync(() => RowsAsync(host, bookingId, RowKeys.OutboxPrefix), rows => rows.Count == 0, $"booking {bookingId}'s outbox rows to be cleaned up");

    /// Polls until the condition holds (asynchronous paths: webhooks, in-process delivery) and returns the value that
    /// met it; after the timeout (10 s unless given) the test fails, naming what it waited for and the last value read.
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string waitingFor, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Waited {limit.TotalSeconds:0.#} s for {waitingFor}; the last value read was: {Describe(value)}");
            }

            await Task.Delay(50);
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        string text => text,
        System.Collections.IEnumerable items => $"[{string.Join(", ", items.Cast<object?>())}]",
        _ => value.ToString() ?? "",
    };
}
