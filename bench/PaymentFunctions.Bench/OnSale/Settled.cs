using System.Globalization;
using Azure.Data.Tables;

namespace PaymentFunctions.Bench.OnSale;

/// The on-sale's end state: every paid booking CONFIRMED with its intent succeeded, every other CANCELLED with its
/// intent canceled, and how long the expiries took.
internal static class Settled
{
    public static async Task<List<TableEntity>> WaitAsync(TableClient bookings, List<Shopper> shoppers, TimeSpan timeout)
    {
        var expected = shoppers.ToDictionary(s => s.BookingId, Expected);
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = new List<TableEntity>();
            await foreach (var row in bookings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"booking"}"), select: ["PartitionKey", "Status", "HoldExpiresAt", "UpdatedAt"]))
            {
                rows.Add(row);
            }

            if (rows.Count(r => expected.GetValueOrDefault(r.PartitionKey) == r.GetString("Status")) == shoppers.Count || DateTime.UtcNow > until)
            {
                return rows;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    public static async Task<Report> CheckAsync(List<TableEntity> rows, List<Shopper> shoppers, StripeControl stripe)
    {
        var byId = rows.ToDictionary(r => r.PartitionKey);
        var wrongBookings = shoppers.Count(s => byId.GetValueOrDefault(s.BookingId)?.GetString("Status") != Expected(s));
        var atStripe = new System.Collections.Concurrent.ConcurrentDictionary<string, string?>();
        await Parallel.ForEachAsync(shoppers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, ct) => atStripe[s.IntentId] = await stripe.StatusAsync(s.IntentId, ct));
        var wrongIntents = shoppers.Count(s => atStripe[s.IntentId] != (s.Paid ? "succeeded" : "canceled"));

        var expired = shoppers.Where(s => !s.Paid).Select(s => byId[s.BookingId]).ToList();
        var lags = expired.Select(r => (Updated(r) - HoldEnd(r)).TotalSeconds).Order().ToArray();
        var lastHoldEnd = expired.Count == 0 ? default : expired.Max(HoldEnd);
        var lastSettled = expired.Count == 0 ? default : expired.Max(Updated);
        var span = expired.Count == 0 ? 0 : (lastSettled - expired.Min(HoldEnd)).TotalSeconds;
        var table = string.Create(CultureInfo.InvariantCulture, $"""
            | bookings | CONFIRMED (paid) | CANCELLED (expired) | wrong status | intents succeeded / canceled at Stripe | wrong at Stripe | last hold end -> all CANCELLED | expiry lag p50 | p99 | expiries/s |
            |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
            | {shoppers.Count} | {rows.Count(r => r.GetString("Status") == "CONFIRMED")} | {rows.Count(r => r.GetString("Status") == "CANCELLED")} | {wrongBookings} | {atStripe.Values.Count(v => v == "succeeded")} / {atStripe.Values.Count(v => v == "canceled")} | {wrongIntents} | {(lastSettled - lastHoldEnd).TotalSeconds:F1} s | {Pct(lags, 50):F1} s | {Pct(lags, 99):F1} s | {expired.Count / Math.Max(span, 0.001):F0} |
            """);
        return new Report(table, wrongBookings == 0 && wrongIntents == 0, lastSettled - lastHoldEnd);
    }

    private static string Expected(Shopper shopper) => shopper.Paid ? "CONFIRMED" : "CANCELLED";

    private static DateTimeOffset HoldEnd(TableEntity row) => row.GetDateTimeOffset("HoldExpiresAt")!.Value;

    private static DateTimeOffset Updated(TableEntity row) => row.GetDateTimeOffset("UpdatedAt")!.Value;

    private static double Pct(double[] sorted, int p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    internal sealed record Report(string Table, bool Consistent, TimeSpan LastHoldEndToAllSettled);
}
