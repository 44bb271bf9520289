using System.Security.Cryptography;
using System.Text;

namespace StripeEmulator.Webhooks;

/// Stripe's webhook signature: Stripe-Signature: t={unix},v1={hex HMAC-SHA256(utf8(secret), "{t}.{body}")}.
public static class WebhookSigner
{
    public static string SignatureHeader(string secret, string body, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var payload = Encoding.UTF8.GetBytes($"{timestamp}.{body}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
