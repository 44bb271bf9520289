using System.Diagnostics;
using System.Net;

namespace PaymentFunctions.Bench.Ingest;

/// Posts a planned load of signed webhooks with a fixed number of concurrent senders and records every answer.
internal static class SenderLoad
{
    public sealed record Answer(int Status, TimeSpan Latency, bool RetryAfter);

    public sealed record Outcome(IReadOnlyList<Answer> Answers, TimeSpan Elapsed)
    {
        public double PerSecond => Answers.Count / Elapsed.TotalSeconds;

        public int Ok => Answers.Count(a => a.Status is >= 200 and < 300);

        public double Percentile(int p)
        {
            var sorted = Answers.Select(a => a.Latency.TotalMilliseconds).Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }

        public double MaxMs => Answers.Count == 0 ? double.NaN : Answers.Max(a => a.Latency.TotalMilliseconds);

        /// "503 x12 (Retry-After 12/12)" for each non-2xx status.
        public string NonSuccess => string.Join(", ", Answers.Where(a => a.Status is < 200 or >= 300).GroupBy(a => a.Status).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))} x{g.Count()} (Retry-After {g.Count(a => a.RetryAfter)}/{g.Count()})"));
    }

    public static async Task<Outcome> PostAsync(HttpClient http, IReadOnlyList<LoadData.Webhook> plan, int senders, CancellationToken ct)
    {
        var answers = new Answer[plan.Count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < plan.Count; i = Interlocked.Increment(ref next))
            {
                answers[i] = await PostOneAsync(http, plan[i], ct);
            }
        }));
        return new Outcome(answers, clock.Elapsed);
    }

    private static async Task<Answer> PostOneAsync(HttpClient http, LoadData.Webhook webhook, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = LoadData.Body(webhook, now);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Stripe-Signature", LoadData.Signature(body, now));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            return new Answer((int)response.StatusCode, Stopwatch.GetElapsedTime(started), response.Headers.RetryAfter is not null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // A dropped connection or our 30 s client timeout: what Stripe would see as no answer.
            return new Answer(0, Stopwatch.GetElapsedTime(started), false);
        }
    }

    public static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestVersion = HttpVersion.Version11,
    };
}
