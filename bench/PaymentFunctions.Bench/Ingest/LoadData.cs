using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;

namespace PaymentFunctions.Bench.Ingest;

/// The webhooks of one load: two Stripe events per booking (payment_intent.processing, then .succeeded, as Stripe
/// sends them within milliseconds), plus duplicates of some of them, shuffled with a fixed seed.
internal static class LoadData
{
    public const string WebhookSecret = "whsec_bench_only_0123456789abcdef";
    public const long Amount = 5000;

    public sealed record Webhook(string BookingId, string EventId, string Type, bool Duplicate);

    /// <paramref name="count"/> webhooks of which ~10 % are redeliveries of an earlier one.
    public static List<Webhook> Plan(IReadOnlyList<string> bookingIds, int count, int seed)
    {
        var random = new Random(seed);
        var originals = bookingIds.SelectMany(b => new[] { new Webhook(b, "evt_p_" + b, "payment_intent.processing", false), new Webhook(b, "evt_s_" + b, "payment_intent.succeeded", false) }).ToList();
        var plan = originals.Take(count).ToList();
        for (var i = plan.Count; i < count; i++)
        {
            var original = plan[random.Next(plan.Count)];
            plan.Add(original with { Duplicate = true });
        }

        // Shuffle, but keep each duplicate after its original so it is a redelivery, not a race for the first store.
        var shuffled = plan.Where(w => !w.Duplicate).OrderBy(_ => random.Next()).ToList();
        foreach (var duplicate in plan.Where(w => w.Duplicate))
        {
            var after = shuffled.FindIndex(w => w.EventId == duplicate.EventId && !w.Duplicate);
            shuffled.Insert(random.Next(after + 1, shuffled.Count + 1), duplicate);
        }

        return shuffled;
    }

    /// How many bookings a load of <paramref name="count"/> webhooks needs: two originals each, ~10 % duplicates on top.
    public static int BookingsFor(int count) => Math.Max(1, (count - (count / 10)) / 2);

    public static byte[] Body(Webhook webhook, long created)
    {
        var status = webhook.Type == "payment_intent.succeeded" ? "succeeded" : "processing";
        var received = status == "succeeded" ? Amount : 0;
        // Stripe bodies carry the whole object (2-5 KB); the description pads this one to about 2 KB.
        return Encoding.UTF8.GetBytes($$"""{"id":"{{webhook.EventId}}","object":"event","api_version":"{{Stripe.StripeConfiguration.ApiVersion}}","created":{{created}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"{{webhook.Type}}","data":{"object":{"id":"pi_{{webhook.BookingId}}","object":"payment_intent","amount":{{Amount}},"amount_capturable":0,"amount_received":{{received}},"capture_method":"automatic","client_secret":"pi_bench_secret","confirmation_method":"automatic","created":{{created - 60}},"currency":"eur","latest_charge":"ch_bench","livemode":false,"metadata":{"bookingId":"{{webhook.BookingId}}"},"payment_method":"pm_bench","payment_method_types":["card"],"status":"{{status}}","description":"{{new string('x', 1300)}}""" + "\"}}}");
    }

    public static string Signature(byte[] body, long timestamp)
    {
        var signed = Encoding.UTF8.GetBytes($"{timestamp}.").Concat(body).ToArray();
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), signed))}";
    }

    public static async Task<string[]> SeedBookingsAsync(TableClient bookings, int count, CancellationToken ct)
    {
        var ids = new BookingIds();
        var seeded = Enumerable.Range(0, count).Select(_ => ids.Next()).ToArray();
        await SeedBookingsAsync(bookings, seeded, ct);
        return seeded;
    }

    /// PENDING bookings with these ids (the reconciliation bench seeds the same ids under two table prefixes).
    public static async Task SeedBookingsAsync(TableClient bookings, string[] seeded, CancellationToken ct)
    {
        await bookings.CreateIfNotExistsAsync(ct);
        await Parallel.ForEachAsync(seeded, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, token) =>
        {
            var now = DateTimeOffset.UtcNow;
            var booking = new Booking
            {
                Id = id, UserId = "user_bench", TicketTypeId = "standard", Quantity = 2, Amount = Amount, Currency = "EUR",
                Status = BookingStatus.PENDING, CreatedAt = now, HoldExpiresAt = now.AddMinutes(30), UpdatedAt = now, PaymentIntentId = "pi_" + id, IntentAttempt = 1,
            };
            await bookings.UpsertEntityAsync(booking.ToEntity(), TableUpdateMode.Replace, token);
        });
    }
}
