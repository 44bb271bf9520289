using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Checkout;

/// The success and cancel URLs of a booking's Checkout Session: the configured SPA origin, the caller's path (a
/// relative path only: no scheme, no host, no "//" or "\" that a browser would read as one, no query or fragment),
/// then our own query. Stripe replaces {CHECKOUT_SESSION_ID} in the success URL with the session's id.
public sealed partial class CheckoutReturnUrls(IOptions<CheckoutOptions> options, IOptions<SpaCorsOptions> cors)
{
    public const int MaxPathLength = 512;
    public const string SessionIdPlaceholder = "{CHECKOUT_SESSION_ID}";

    private readonly string _origin = options.Value.OriginFrom(cors.Value) ?? throw new InvalidOperationException(CheckoutOptions.NoOrigin);

    /// Why the path is refused, or null when it may be used.
    public static string? Refusal(string? returnPath) =>
        returnPath is null ? null
        : returnPath.Length > MaxPathLength ? $"returnPath must be at most {MaxPathLength} characters."
        : !PlainPath().IsMatch(returnPath) ? "returnPath must be a path on the SPA's own site, starting with a single '/' (e.g. /bookings/return): no scheme, host, '//', '\\', query or fragment."
        : null;

    public string Success(string bookingId, string? returnPath) => $"{Base(returnPath)}?session_id={SessionIdPlaceholder}&booking_id={Uri.EscapeDataString(bookingId)}";

    public string Cancel(string bookingId, string? returnPath) => $"{Base(returnPath)}?checkout=cancelled&booking_id={Uri.EscapeDataString(bookingId)}";

    private string Base(string? returnPath) => _origin + (returnPath ?? "/");

    // RFC 3986 path characters (pchar and '/'), percent-escapes whole; the first segment is not empty, so no "//".
    [GeneratedRegex(@"^/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$|^/$")]
    private static partial Regex PlainPath();
}
