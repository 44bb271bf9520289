using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PaymentFunctions.Tests.Infrastructure;

/// Every answer the app writes under /api, as it leaves the app, checked against docs/openapi.json (OpenApiContract):
/// the answers a browser got and no test client saw (the demo page's calls, the emulator's webhooks). Added to every
/// PaymentAppHost as the outermost middleware; a test reads the answers given since its Mark().
public sealed class AnswerRecorder : IStartupFilter
{
    private readonly ConcurrentQueue<RecordedAnswer> _answers = new();
    private long _sequence;

    public long Mark() => Interlocked.Read(ref _sequence);

    public IReadOnlyList<RecordedAnswer> Since(long mark) => [.. _answers.Where(a => a.Sequence > mark).OrderBy(a => a.Sequence)];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(RecordAsync);
        next(app);
    };

    private async Task RecordAsync(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        var body = buffer.ToArray();
        var response = http.Response;
        var violations = OpenApiContract.Committed.Violations(
            http.Request.Method, http.Request.Path.Value!, response.StatusCode, response.ContentType?.Split(';')[0].Trim(), System.Text.Encoding.UTF8.GetString(body),
            header => response.Headers.ContainsKey(header));
        _answers.Enqueue(new RecordedAnswer(Interlocked.Increment(ref _sequence), http.Request.Method, http.Request.Path.Value!, response.StatusCode, violations));
        await original.WriteAsync(body, http.RequestAborted);
    }
}

/// One answer of the app and what in it docs/openapi.json does not describe (empty: all of it is described).
public sealed record RecordedAnswer(long Sequence, string Method, string Path, int Status, IReadOnlyList<string> Violations)
{
    public override string ToString() => $"{Method} {Path} {Status}{(Violations.Count > 0 ? ": " + string.Join("; ", Violations) : "")}";
}
