using System.Text;
using System.Text.Json;
using Azure.Core;

namespace PaymentFunctions.Clients.Stripe;

public sealed partial class StripeClient
{
    private HttpMessage CreatePost(string[] path, IEnumerable<KeyValuePair<string, object?>> form, string idempotencyKey)
    {
        var message = CreateMessage(RequestMethod.Post, path);
        // Set once, before the pipeline: every retry resends this very header, which is what makes retrying a POST safe.
        message.Request.Headers.SetValue("Idempotency-Key", idempotencyKey);
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/x-www-form-urlencoded");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(StripeFormEncoder.Encode(form)));
        return message;
    }

    private HttpMessage CreateGet(string[] path, IEnumerable<KeyValuePair<string, object?>>? query)
    {
        var message = CreateMessage(RequestMethod.Get, path);
        var encoded = query is null ? string.Empty : StripeFormEncoder.Encode(query);
        if (encoded.Length > 0)
        {
            message.Request.Uri.Query = "?" + encoded;
        }

        return message;
    }

    private HttpMessage CreateMessage(RequestMethod method, string[] path)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(_apiBase);
        foreach (var segment in path)
        {
            // Ids are escaped so that an odd id can never reach another path.
            message.Request.Uri.AppendPath("/", escape: false);
            message.Request.Uri.AppendPath(segment, escape: true);
        }

        message.Request.Headers.SetValue(HttpHeader.Names.Accept, "application/json");
        return message;
    }

    private async Task<T> SendAsync<T>(HttpMessage message, Func<JsonElement, string?, T> parse, CancellationToken ct)
    {
        using (message)
        {
            try
            {
                await _pipeline.SendAsync(message, ct);
            }
            catch (Exception e) when (StripeRetryPolicy.IsConnectionFailure(e, ct))
            {
                var attempts = message.ProcessingContext.RetryNumber + 1;
                throw new StripeException($"Stripe could not be reached ({attempts} attempts): {Redact(e.Message)}", 0, null, null, e);
            }

            var response = message.Response;
            var requestId = response.Headers.TryGetValue("Request-Id", out var id) ? id : null;
            var body = response.Content.ToMemory();
            if (response.Status is < 200 or > 299)
            {
                var replayed = response.Headers.TryGetValue("Idempotent-Replayed", out var flag) && string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);
                throw ErrorFrom(response.Status, body, requestId, replayed);
            }

            try
            {
                using var document = StripeJson.ParseDocument(body.Span, "response");
                return parse(document.RootElement, requestId);
            }
            catch (FormatException e)
            {
                throw new StripeException($"Stripe answered {response.Status} with an unexpected body ({requestId ?? "no request id"}): {e.Message}", response.Status, null, requestId, e);
            }
        }
    }

    private StripeException ErrorFrom(int status, ReadOnlyMemory<byte> body, string? requestId, bool replayed)
    {
        StripeError? error = null;
        try
        {
            using var document = StripeJson.ParseDocument(body.Span, "error");
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                error = StripeJson.Error(document.RootElement, "error", "error");
            }
        }
        catch (FormatException)
        {
            // A proxy's HTML page or an empty body: the status and request id below still say what happened.
        }

        if (error is not null)
        {
            // Stripe masks keys in its messages, but an emulator or proxy might not.
            error = new StripeError(Redact(error.Type), Redact(error.Code), Redact(error.DeclineCode), Redact(error.Param), Redact(error.Message));
        }

        var kind = error is null ? "without a Stripe error body" : $"{error.Type ?? "unknown_type"}/{error.Code ?? "no_code"}";
        var text = $"Stripe answered {status} {kind} ({requestId ?? "no request id"})";
        if (error?.Message is { Length: > 0 } detail)
        {
            text += ": " + detail;
        }

        return new StripeException(replayed ? text + " [replayed for this Idempotency-Key]" : text, status, error, requestId) { Replayed = replayed };
    }

    private string? Redact(string? text)
    {
        var key = _secretKey.Key;
        return text is null || string.IsNullOrEmpty(key) ? text : text.Replace(key, "[redacted]", StringComparison.Ordinal);
    }

    private static StripeList<T> ParseList<T>(JsonElement element, Func<JsonElement, T> parseItem)
    {
        StripeJson.ExpectObject(element, "list");
        if (!element.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("Stripe list has no array field 'data'.");
        }

        var items = new List<T>(data.GetArrayLength());
        foreach (var item in data.EnumerateArray())
        {
            items.Add(parseItem(item));
        }

        return new StripeList<T>(items, StripeJson.RequiredBoolean(element, "has_more", "list"));
    }
}
