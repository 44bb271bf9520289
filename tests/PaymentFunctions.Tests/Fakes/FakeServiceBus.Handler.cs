using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PaymentFunctions.Tests.Fakes;

public sealed partial class FakeServiceBus
{
    private const string MessagesSuffix = "/messages";
    private const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    private async Task HandleAsync(HttpContext context)
    {
        var fault = TakeFault();
        if (fault is { Status: null })
        {
            context.Abort();
            return;
        }

        if (fault is { Status: { } failStatus, AfterStoring: false })
        {
            context.Response.StatusCode = (int)failStatus;
            return;
        }

        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (!HttpMethods.IsPost(request.Method) || !path.EndsWith(MessagesSuffix, StringComparison.Ordinal) || path.Length <= MessagesSuffix.Length + 1)
        {
            await RejectAsync(context, StatusCodes.Status404NotFound, $"no such operation: {request.Method} {path}");
            return;
        }

        var topic = Uri.UnescapeDataString(path[1..^MessagesSuffix.Length]);
        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "the api-version query parameter is missing");
            return;
        }

        if (Authorize(request, topic) is { } authProblem)
        {
            await RejectAsync(context, StatusCodes.Status401Unauthorized, authProblem);
            return;
        }

        if (!_topics.ContainsKey(topic))
        {
            await RejectAsync(context, StatusCodes.Status404NotFound, $"topic '{topic}' does not exist");
            return;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > MaxMessageBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"body of {buffer.Length} bytes is over {MaxMessageBytes}");
            return;
        }

        var isBatch = string.Equals(request.ContentType, BatchContentType, StringComparison.OrdinalIgnoreCase);
        var (messages, problem) = isBatch ? ParseBatch(topic, buffer.ToArray()) : ParseSingle(topic, request, buffer.ToArray());
        if (problem is not null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, problem);
            return;
        }

        var answer = fault?.Status is { } lateStatus ? (int)lateStatus : StatusCodes.Status201Created;
        Store(topic, messages, acknowledged: answer == StatusCodes.Status201Created);
        context.Response.StatusCode = answer;
    }

    private void Store(string topic, List<ReceivedMessage> messages, bool acknowledged)
    {
        lock (_lock)
        {
            _acceptedRequests += acknowledged ? 1 : 0;
            foreach (var message in messages)
            {
                _received++;
                if (message.MessageId is { } id && !_seenIds[topic].Add(id))
                {
                    continue; // duplicate detection: acknowledged, not stored again
                }

                _topics[topic].Add(message);
            }
        }
    }

    /// Returns why the request is not authorized, or null when it is.
    private string? Authorize(HttpRequest request, string topic)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            lock (_lock)
            {
                return _bearerTokens.Contains(header["Bearer ".Length..]) ? null : "unknown bearer token";
            }
        }

        const string Scheme = "SharedAccessSignature ";
        if (!header.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return "no SharedAccessSignature or Bearer authorization";
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in header[Scheme.Length..].Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !fields.TryAdd(pair[..equals], pair[(equals + 1)..]))
            {
                return "malformed SAS token";
            }
        }

        if (!fields.TryGetValue("sr", out var sr) || !fields.TryGetValue("sig", out var sig)
            || !fields.TryGetValue("se", out var se) || !fields.TryGetValue("skn", out var skn))
        {
            return "SAS token lacks sr, sig, se or skn";
        }

        if (WebUtility.UrlDecode(skn) != KeyName)
        {
            return "unknown key name";
        }

        if (!long.TryParse(se, out var expiry) || expiry <= TimeProvider.GetUtcNow().ToUnixTimeSeconds())
        {
            return "SAS token expired";
        }

        // The signature covers sr exactly as sent (still url-encoded), a newline, and se.
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(sr + "\n" + se)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(WebUtility.UrlDecode(sig))))
        {
            return "SAS signature does not match";
        }

        if (!Covers(WebUtility.UrlDecode(sr), request, topic))
        {
            return "SAS resource (sr) does not cover this topic";
        }

        lock (_lock)
        {
            _sasExpiries.Add(expiry);
        }

        return null;
    }

    /// Service Bus scopes a token by prefix: a namespace token covers every entity, an entity token only that entity.
    private static bool Covers(string resource, HttpRequest request, string topic)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri) || !string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var scope = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        return scope.Length == 0
            || string.Equals(scope, topic, StringComparison.OrdinalIgnoreCase)
            || topic.StartsWith(scope + "/", StringComparison.OrdinalIgnoreCase);
    }

    private Fault? TakeFault()
    {
        lock (_lock)
        {
            return _faults.TryDequeue(out var fault) ? fault : null;
        }
    }

    private Task RejectAsync(HttpContext context, int status, string reason)
    {
        lock (_lock)
        {
            _lastRejection = reason;
        }

        context.Response.StatusCode = status;
        return context.Response.WriteAsync(reason);
    }
}
