using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using StripeEmulator;
using Xunit.Abstractions;

namespace PaymentFunctions.Tests.Messaging;

/// Issue 12: the app in local mode (in-process transport) as a real child process, SIGKILLed three times while
/// 100 bookings are paid at concurrency 16, started again on the same storage each time, and every webhook
/// that got no 2xx redelivered as Stripe would (the same signed event). Nothing may be lost or applied twice.
public sealed class LocalModeCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Bookings = 100;
    private const int Concurrency = 16;
    private const string WebhookSecret = "whsec_crash_tests_only_0123456789";
    private const string StripeKey = "sk_test_crash_tests_only_0123456789";
    private const string StripeInboxPrefix = RowKeys.InboxPrefix + "stripe|";

    /// Kill once this many webhooks (cumulative) have been answered 2xx: early, midway, and near the end, when
    /// the consumer's backlog is longest.
    private static readonly int[] KillAfterAcknowledged = [10, 50, 90];

    private readonly string _tablePrefix = "c" + Guid.NewGuid().ToString("N")[..10];
    private WebApplication _emulator = null!;
    private PaymentTables _tables = null!;
    private Dictionary<string, string> _environment = null!;

    public async Task InitializeAsync()
    {
        var azurite = await AzuriteServer.Shared;
        // The test delivers the webhooks itself (WebhookUrl null), so it knows which ones were answered 2xx.
        _emulator = EmulatorApp.Build([], o => o.WebhookUrl = null);
        _emulator.Urls.Add($"http://127.0.0.1:{FreePort.Next()}");
        await _emulator.StartAsync();
        _tables = new PaymentTables(new TableServiceClient(azurite.ConnectionString), Options.Create(new StorageOptions { TablePrefix = _tablePrefix }));
        _environment = new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = _tablePrefix,
            ["Stripe__SecretKey"] = StripeKey,
            ["Stripe__ApiBase"] = _emulator.Urls.First(),
            ["Stripe__WebhookSecrets__0"] = WebhookSecret,
            ["ServiceBus__Transport"] = "InProcess",
            ["ServiceBus__InProcess__RedeliveryDelay"] = "00:00:00.100",
            // No sweeper: the transport itself must deliver what a crash left behind.
            ["Timers__RunLocally"] = "false",
            ["Auth__DevSigningKey"] = TestTokens.SigningKey,
            ["Auth__Audience"] = TestTokens.Audience,
            ["Logging__LogLevel__Default"] = "Warning",
            // One user pays all 100 bookings: the per-user limits are not what this test is about.
            ["Bookings__MaxOpenBookingsPerUser"] = "1000",
            ["Payments__MaxIntentCallsPerUser"] = "10000",
        };
    }

    public async Task DisposeAsync()
    {
        await _emulator.StopAsync();
        await _emulator.DisposeAsync();
        _tables.Dispose();
    }

    [Fact]
    public async Task ThreeKillsWhile100BookingsArePaidLoseNothingAndApplyNothingTwice()
    {
        var app = await AppProcess.StartAsync(_environment);
        try
        {
            var bookingIds = await CreateBookingsWithIntentsAsync(app);
            var pending = new ConcurrentQueue<Webhook>(bookingIds.Select(b => Webhook.Succeeded(b.BookingId, b.IntentId)));
            var acknowledged = 0;
            var attempts = 0;
            foreach (var killAt in KillAfterAcknowledged)
            {
                // Sending stops (and the process dies) the moment the count is reached; requests in flight then fail.
                var counts = await DeliverAsync(app, pending, () => Interlocked.Increment(ref acknowledged) == killAt ? app.KillAsync() : null);
                attempts += counts;
                await app.KillAsync();
                await app.DisposeAsync();
                app = await AppProcess.StartAsync(_environment);
            }

            // Stripe retries every event not answered 2xx until it is.
            while (!pending.IsEmpty)
            {
                attempts += await DeliverAsync(app, pending, () => { Interlocked.Increment(ref acknowledged); return null; });
            }

            Assert.Equal(Bookings, acknowledged);
            var state = await EventuallySettledAsync(bookingIds.Select(b => b.BookingId).ToList());

            Assert.True(state.Confirmed == Bookings, $"{state.Confirmed} of {Bookings} bookings CONFIRMED after {KillAfterAcknowledged.Length} kills ({attempts} webhook posts); still PENDING: {state.Pending}, of them with their Stripe inbox row but no outbox and no consumer inbox row: {state.Lost}; outbox rows left: {state.OutboxRows}.\n{app.OutputTail}");
            Assert.Equal(0, state.OutboxRows);
            output.WriteLine($"{Bookings} bookings, {KillAfterAcknowledged.Length} kills, {attempts} webhook posts for {Bookings} events.");
            foreach (var bookingId in bookingIds.Select(b => b.BookingId))
            {
                var rows = await RowsAsync(bookingId);
                var confirmations = rows.Where(r => r.RowKey.StartsWith(RowKeys.HistoryPrefix, StringComparison.Ordinal))
                    .Select(BookingHistoryEntry.FromEntity).Count(h => h is { From: BookingStatus.PENDING, To: BookingStatus.CONFIRMED });
                Assert.Equal(1, confirmations);
                Assert.Single(rows, r => r.RowKey.StartsWith(StripeInboxPrefix, StringComparison.Ordinal));
                // One payment_succeeded message per booking: the consumer's inbox holds exactly one row for it.
                Assert.Single(rows, r => IsConsumerInbox(r.RowKey));
                Assert.DoesNotContain(rows, r => r.RowKey.StartsWith(RowKeys.OutboxPrefix, StringComparison.Ordinal));
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task<List<(string BookingId, string IntentId)>> CreateBookingsWithIntentsAsync(AppProcess app)
    {
        using var client = Client(app, TestTokens.For("crash-test-user"));
        var created = new ConcurrentBag<(string, string)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Bookings), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (_, _) =>
        {
            var bookingId = await SpaCalls.NewBookingIdAsync(client);
            var intent = await SpaCalls.CreateIntentAsync(client, bookingId);
            Assert.True(intent.Status == System.Net.HttpStatusCode.Created, $"{intent.Status}: {intent.Body}");
            created.Add((bookingId, intent.Text("paymentIntentId")));
        });
        return [.. created];
    }

    /// Posts the pending webhooks at <see cref="Concurrency"/>; each 2xx calls onAcknowledged, which may kill the
    /// app (then the rest fail and stay pending). Returns the number of posts.
    private static async Task<int> DeliverAsync(AppProcess app, ConcurrentQueue<Webhook> pending, Func<Task?> onAcknowledged)
    {
        using var client = Client(app, token: null);
        var posts = 0;
        var failed = new ConcurrentQueue<Webhook>();
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!app.HasExited && pending.TryDequeue(out var webhook))
            {
                Interlocked.Increment(ref posts);
                if (await webhook.PostAsync(client))
                {
                    if (onAcknowledged() is { } kill)
                    {
                        await kill;
                    }
                }
                else
                {
                    failed.Enqueue(webhook);
                }
            }
        }));
        await Task.WhenAll(workers);
        foreach (var webhook in failed)
        {
            pending.Enqueue(webhook);
        }

        return posts;
    }

    private async Task<Settled> EventuallySettledAsync(List<string> bookingIds)
    {
        return await TestBookings.EventuallyAsync(() => ReadStateAsync(bookingIds), s => s.Confirmed == Bookings && s.OutboxRows == 0, $"all {Bookings} bookings confirmed with no outbox rows left", TimeSpan.FromSeconds(60));
    }

    private async Task<Settled> ReadStateAsync(List<string> bookingIds)
    {
        int confirmed = 0, pending = 0, lost = 0, outbox = 0;
        foreach (var bookingId in bookingIds)
        {
            var rows = await RowsAsync(bookingId);
            var booking = Booking.FromEntity(rows.Single(r => r.RowKey == RowKeys.Booking));
            var outboxRows = rows.Count(r => r.RowKey.StartsWith(RowKeys.OutboxPrefix, StringComparison.Ordinal));
            outbox += outboxRows;
            if (booking.Status == BookingStatus.CONFIRMED)
            {
                confirmed++;
            }
            else if (booking.Status == BookingStatus.PENDING)
            {
                pending++;
                if (outboxRows == 0 && !rows.Any(r => IsConsumerInbox(r.RowKey)) && rows.Any(r => r.RowKey.StartsWith(StripeInboxPrefix, StringComparison.Ordinal)))
                {
                    lost++;
                }
            }
        }

        return new Settled(confirmed, pending, lost, outbox);
    }

    private async Task<List<TableEntity>> RowsAsync(string bookingId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _tables.Bookings.QueryAsync<TableEntity>(KeyFilters.InPartition(bookingId)))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static bool IsConsumerInbox(string rowKey) =>
        rowKey.StartsWith(RowKeys.InboxPrefix, StringComparison.Ordinal) && !rowKey.StartsWith(StripeInboxPrefix, StringComparison.Ordinal);

    private static HttpClient Client(AppProcess app, string? token)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private sealed record Settled(int Confirmed, int Pending, int Lost, int OutboxRows);

    /// One Stripe event, sent again byte for byte (freshly signed, as Stripe signs each attempt) until answered 2xx.
    private sealed record Webhook(JsonObject Event)
    {
        public static Webhook Succeeded(string bookingId, string intentId) =>
            new(StripeEvents.PaymentIntent("payment_intent.succeeded", intentId, bookingId, amount: 2500, currency: "eur"));

        public async Task<bool> PostAsync(HttpClient client)
        {
            try
            {
                using var answer = await StripeEvents.PostAsync(client, Event, WebhookSecret);
                return answer.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false; // the process died under the request
            }
        }
    }
}
