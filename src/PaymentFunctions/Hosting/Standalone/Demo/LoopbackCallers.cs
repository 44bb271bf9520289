using System.Net;

namespace PaymentFunctions.Hosting.Standalone.Demo;

/// The demo's /dev routes answer only a caller on this machine: a token helper reachable from elsewhere would hand
/// anyone a token for any user. A proxy on this machine could relay an outside caller over loopback, so a request
/// that says it was forwarded is refused too; and a Host that is not a loopback name is refused, so a web page whose
/// own name resolves to 127.0.0.1 (DNS rebinding) cannot reach the helper from the developer's browser.
public static class LoopbackCallers
{
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP"];
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// Null for a loopback caller; else why the request is refused (safe to answer: it names no secret).
    public static string? Refusal(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            return "The development routes answer callers on this machine only.";
        }

        if (ForwardingHeaders.FirstOrDefault(h => http.Request.Headers.ContainsKey(h)) is { } forwarded)
        {
            return $"The development routes answer callers on this machine only; this request was forwarded ({forwarded}).";
        }

        return LoopbackHosts.Contains(http.Request.Host.Host, StringComparer.OrdinalIgnoreCase)
            ? null
            : "The development routes answer only requests addressed to a loopback host (localhost, 127.0.0.1, [::1]).";
    }

    public static ValueTask<object?> OnlyLoopback(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refusal(context.HttpContext) is { } refusal
            ? ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Loopback callers only", detail: refusal))
            : next(context);
}
