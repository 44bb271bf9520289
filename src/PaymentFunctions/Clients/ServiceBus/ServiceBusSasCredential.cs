using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PaymentFunctions.Clients.ServiceBus;

/// <summary>
/// A Shared Access Signature key (policy name and key) that signs Service Bus requests. Tokens are cached per
/// resource and renewed before they expire; instances are thread-safe and may be shared by several senders.
/// </summary>
public sealed class ServiceBusSasCredential
{
    // Renew this long before expiry (or at half the lifetime for short-lived tokens), so a token never expires
    // between being attached and the broker checking it, even across a retry's back-off.
    private static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>Creates a credential for the shared access policy <paramref name="keyName"/> with its <paramref name="key"/>.</summary>
    /// <param name="keyName">The policy name (<c>SharedAccessKeyName</c>).</param>
    /// <param name="key">The policy key (<c>SharedAccessKey</c>), used as UTF-8 text exactly as the portal shows it.</param>
    /// <param name="timeProvider">The clock for token expiry; the system clock when null.</param>
    public ServiceBusSasCredential(string keyName, string key, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyName);
        ArgumentException.ThrowIfNullOrEmpty(key);
        KeyName = keyName;
        _key = Encoding.UTF8.GetBytes(key);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The shared access policy name (<c>skn</c>).</summary>
    public string KeyName { get; }

    /// <summary>The key is never shown.</summary>
    public override string ToString() => $"ServiceBusSasCredential({KeyName})";

    /// <summary>The <c>Authorization</c> header value for <paramref name="resource"/>, from the cache while still fresh.</summary>
    internal string GetAuthorizationValue(string resource, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "The SAS token lifetime must be positive.");
        }

        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_tokens.TryGetValue(resource, out var cached) && now < cached.RenewAt)
            {
                return cached.Value;
            }

            var expiry = now.Add(lifetime);
            var margin = lifetime / 2 < RenewalMargin ? lifetime / 2 : RenewalMargin;
            var token = CreateToken(resource, KeyName, _key, expiry.ToUnixTimeSeconds());
            _tokens[resource] = new CachedToken(token, expiry - margin);
            return token;
        }
    }

    /// <summary>The documented string to sign: <c>urlencode(resourceUri) + "\n" + expiry</c>.</summary>
    internal static string StringToSign(string resource, long expiryUnixSeconds) =>
        WebUtility.UrlEncode(resource) + "\n" + expiryUnixSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>SharedAccessSignature sr={urlencoded uri}&amp;sig={urlencoded base64 HMAC-SHA256}&amp;se={expiry}&amp;skn={name}</c>,
    /// as "Service Bus access control with Shared Access Signatures" describes.
    /// </summary>
    internal static string CreateToken(string resource, string keyName, byte[] key, long expiryUnixSeconds)
    {
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(StringToSign(resource, expiryUnixSeconds))));
        return "SharedAccessSignature sr=" + WebUtility.UrlEncode(resource)
            + "&sig=" + WebUtility.UrlEncode(signature)
            + "&se=" + expiryUnixSeconds.ToString(CultureInfo.InvariantCulture)
            + "&skn=" + WebUtility.UrlEncode(keyName);
    }

    private readonly record struct CachedToken(string Value, DateTimeOffset RenewAt);
}
