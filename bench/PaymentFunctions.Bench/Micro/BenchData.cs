using System.Security.Cryptography;
using System.Text;

namespace PaymentFunctions.Bench.Micro;

/// Realistic inputs shared by the micro-benchmarks: a Stripe-shaped payment_intent.succeeded event padded to a
/// chosen size (Stripe bodies carry the whole object, so 2-5 KB is typical and 64 KB is a heavy case).
internal static class BenchData
{
    public const string Secret = "whsec_bench_only_0123456789abcdef";
    public const string BookingId = "bk_01JC8Z6Q2W4E6R8T0Y2U4I6O8P";
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_731_600_000);

    public static byte[] SucceededEvent(int targetBytes, string eventId = "evt_3QGk2fLkdIwHu7ix0n1Wb2Yc", string bookingId = BookingId, long created = 1_731_600_000)
    {
        var head = $$"""{"id":"{{eventId}}","object":"event","api_version":"{{Stripe.StripeConfiguration.ApiVersion}}","created":{{created}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"payment_intent.succeeded","data":{"object":{"id":"pi_3QGk2fLkdIwHu7ix0Zb9Xq4T","object":"payment_intent","amount":5000,"amount_capturable":0,"amount_received":5000,"capture_method":"automatic","client_secret":"pi_3QGk2fLkdIwHu7ix0Zb9Xq4T_secret_bench","confirmation_method":"automatic","created":{{created - 60}},"currency":"eur","latest_charge":"ch_3QGk2fLkdIwHu7ix0Ug9Jk0L","livemode":false,"metadata":{"bookingId":"{{bookingId}}"},"payment_method":"pm_1QGk2eLkdIwHu7ixcard","payment_method_types":["card"],"status":"succeeded","description":""" + "\"";
        const string tail = "\"}}}";
        var padding = Math.Max(0, targetBytes - Encoding.UTF8.GetByteCount(head) - tail.Length);
        return Encoding.UTF8.GetBytes(head + new string('x', padding) + tail);
    }

    public static string SignatureHeader(byte[] body, long timestamp)
    {
        var signed = Encoding.UTF8.GetBytes($"{timestamp}.").Concat(body).ToArray();
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed))}";
    }
}

/// A clock that stands still, so a signature made at setup is still inside the tolerance when measured.
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
