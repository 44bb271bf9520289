using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Micro;
using PaymentFunctions.Bookings;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bench.Load;

/// End-to-end webhook throughput: N signed payment_intent.succeeded webhooks posted to the real app with bounded
/// concurrency, each for its own seeded booking, so every one is a full store-and-publish (inbox + payment
/// state + outbox in one batch, in-process delivery to the booking consumer, booking batch).
/// Usage: webhooks [count=500] [concurrency=8] [maxSeconds=180]
internal static class WebhookLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = Arg(args, 0, 500);
        var concurrency = Arg(args, 1, 8);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(Arg(args, 2, 180)));
        var warmup = Math.Clamp(count / 10, 10, 50);

        using var environment = await LoadEnvironment.StartAsync(RepoRoot());
        var bookings = new TableServiceClient(environment.StorageConnectionString).GetTableClient("Bookings");
        await bookings.CreateIfNotExistsAsync(deadline.Token);
        var bookingIds = new PaymentFunctions.Bookings.BookingIds();
        var ids = Enumerable.Range(0, warmup + count).Select(_ => bookingIds.Next()).ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token }, async (id, ct) =>
            await bookings.UpsertEntityAsync(NewBooking(id).ToEntity(), TableUpdateMode.Replace, ct));

        using var http = new HttpClient { BaseAddress = environment.AppUri, Timeout = TimeSpan.FromSeconds(30) };
        await PostAllAsync(http, ids[..warmup], concurrency, deadline.Token);
        var rssBefore = environment.App.PeakWorkingSetBytes();

        var clock = Stopwatch.StartNew();
        var results = await PostAllAsync(http, ids[warmup..], concurrency, deadline.Token);
        var elapsed = clock.Elapsed;
        var confirmed = await WaitForConfirmedAsync(bookings, ids.Length, deadline.Token);
        var drained = clock.Elapsed;

        var latencies = results.Where(r => r.Ok).Select(r => r.Latency.TotalMilliseconds).Order().ToArray();
        var failures = results.Count(r => !r.Ok);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            webhooks: {count} (after {warmup} warm-up), concurrency {concurrency}, {failures} failed
            elapsed: {elapsed.TotalSeconds:F2} s -> {count / elapsed.TotalSeconds:F1} webhooks/s
            latency ms: p50 {Percentile(latencies, 50):F1}  p95 {Percentile(latencies, 95):F1}  p99 {Percentile(latencies, 99):F1}  max {latencies.LastOrDefault():F1}
            bookings CONFIRMED via the in-process consumer: {confirmed}/{ids.Length} after {drained.TotalSeconds:F2} s
            app peak working set (VmHWM): {rssBefore / 1048576.0:F0} MiB after warm-up, {environment.App.PeakWorkingSetBytes() / 1048576.0:F0} MiB at the end
            """));
        foreach (var failure in results.Where(r => !r.Ok).Select(r => r.Status).Distinct().Take(5))
        {
            Console.WriteLine($"failure: {failure}");
        }

        return failures == 0 && confirmed == ids.Length ? 0 : 1;
    }

    private static async Task<List<Result>> PostAllAsync(HttpClient http, string[] bookingIds, int concurrency, CancellationToken ct)
    {
        var results = new List<Result>(bookingIds.Length);
        await Parallel.ForEachAsync(bookingIds, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (bookingId, token) =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var body = BenchData.SucceededEvent(2048, eventId: "evt_bench_" + bookingId, bookingId: bookingId, created: now);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TryAddWithoutValidation("Stripe-Signature", BenchData.SignatureHeader(body, now));

            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, token);
            var latency = Stopwatch.GetElapsedTime(started);
            var result = new Result(response.IsSuccessStatusCode, latency, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}");
            lock (results)
            {
                results.Add(result);
            }
        });
        return results;
    }

    private static async Task<int> WaitForConfirmedAsync(TableClient bookings, int expected, CancellationToken ct)
    {
        var confirmed = 0;
        for (var polls = 0; polls < 120 && confirmed < expected && !ct.IsCancellationRequested; polls++)
        {
            confirmed = 0;
            await foreach (var _ in bookings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RowKeys.Booking} and Status eq {nameof(BookingStatus.CONFIRMED)}"), select: ["PartitionKey"], cancellationToken: ct))
            {
                confirmed++;
            }

            if (confirmed < expected)
            {
                await Task.Delay(250, ct);
            }
        }

        return confirmed;
    }

    private static Booking NewBooking(string id)
    {
        var now = DateTimeOffset.UtcNow;
        return new Booking
        {
            Id = id, UserId = "user_bench", TicketTypeId = "standard", Quantity = 2, Amount = 5000, Currency = "EUR",
            Status = BookingStatus.PENDING, CreatedAt = now, HoldExpiresAt = now.AddMinutes(30), UpdatedAt = now,
        };
    }

    private static double Percentile(double[] sorted, int p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PaymentFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (PaymentFunctions.sln).");
    }

    private sealed record Result(bool Ok, TimeSpan Latency, string Status);
}
