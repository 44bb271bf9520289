using System.Security.Cryptography;
using System.Text;

namespace PaymentFunctions.Tests.Infrastructure;

/// Signs webhook payloads by Stripe's documented formula, for tests that post webhooks.
public static class StripeSigner
{
    public static string Signature(byte[] body, string secret, long timestamp)
    {
        var signed = Encoding.UTF8.GetBytes($"{timestamp}.").Concat(body).ToArray();
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    public static string Header(byte[] body, string secret, long timestamp) => $"t={timestamp},v1={Signature(body, secret, timestamp)}";
}
