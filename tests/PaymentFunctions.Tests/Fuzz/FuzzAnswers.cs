using System.Net.Http.Headers;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Fuzz;

/// What every answer to a generated input must be: never a 5xx; every 4xx an RFC 9457 problem (a JSON object with
/// type, title and a status equal to the answer's); no secret of the app in the body or the headers.
public static class FuzzAnswers
{
    public static readonly string[] Secrets = [PaymentAppHost.StripeKey, PaymentAppHost.WebhookSecret, TestTokens.SigningKey];

    /// kestrelMayRefuse: the request is one Kestrel answers by itself, before the app sees it (a NUL in the path,
    /// headers over 32 KiB, a request line over 8 KiB): an empty 400, 431 or 414 is then what docs/http-api.md documents.
    public static async Task<(int Status, string Body)> CheckAsync(HttpResponseMessage response, string input, bool kestrelMayRefuse = false)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var what = $"{input}\n-> {status} {Shorten(body)}";
        if (status >= 500)
        {
            throw new InvalidOperationException($"5xx for a generated input: {what}");
        }

        if (status >= 400 && !(kestrelMayRefuse && status is 400 or 414 or 431 && body.Length == 0 && response.Content.Headers.ContentType is null))
        {
            AssertProblem(response.Content.Headers.ContentType, body, status, what);
        }

        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        if (Secrets.FirstOrDefault(s => body.Contains(s, StringComparison.Ordinal) || headers.Contains(s, StringComparison.Ordinal)) is { } leaked)
        {
            throw new InvalidOperationException($"A secret ({leaked[..8]}...) in the answer: {what}");
        }

        return (status, body);
    }

    public static void AssertNoSecretIn(IEnumerable<string> logLines)
    {
        var leaked = logLines.FirstOrDefault(line => Secrets.Any(s => line.Contains(s, StringComparison.Ordinal)));
        Assert.True(leaked is null, $"A secret in the logs: {leaked}");
    }

    public static string Shorten(string text) => text.Length <= 600 ? text : $"{text[..600]}... ({text.Length} chars)";

    private static void AssertProblem(MediaTypeHeaderValue? contentType, string body, int status, string what)
    {
        if (contentType?.MediaType != "application/problem+json")
        {
            throw new InvalidOperationException($"A {status} that is not application/problem+json ({contentType}): {what}");
        }

        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var valid = problem.ValueKind == JsonValueKind.Object
                && problem.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
                && problem.TryGetProperty("status", out var problemStatus) && problemStatus.TryGetInt32(out var number) && number == status;
            if (!valid)
            {
                throw new InvalidOperationException($"A problem without type, title or the right status: {what}");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"A problem body that is not JSON ({ex.Message}): {what}", ex);
        }
    }
}
