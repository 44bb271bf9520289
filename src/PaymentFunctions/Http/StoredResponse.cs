using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace PaymentFunctions.Http;

/// An answer as the idempotency layer keeps it: status, the headers a client needs, and the body bytes.
/// Also the IResult that writes it, first time or replayed.
public sealed class StoredResponse : IResult
{
    public const string InFlight = "in-flight";
    public const string Completed = "completed";

    // A Table string property holds at most 64 KiB of UTF-16; our answers are a few hundred bytes.
    private const int MaxBodyChars = 30_000;

    private StoredResponse(int status, string? contentType, string? location, string? retryAfter, string body)
    {
        Status = status;
        ContentType = contentType;
        Location = location;
        RetryAfter = retryAfter;
        Body = body;
    }

    public int Status { get; }

    public string? ContentType { get; }

    public string? Location { get; }

    public string? RetryAfter { get; }

    public string Body { get; }

    public bool Replayed { get; private init; }

    public bool FitsInRow => Body.Length <= MaxBodyChars;

    /// Executes the handler's result into a buffer instead of the wire, so the exact bytes can be stored.
    public static async Task<StoredResponse> CaptureAsync(HttpContext http, IResult result)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await result.ExecuteAsync(http);
            await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        }
        finally
        {
            http.Response.Body = original;
        }

        var headers = http.Response.Headers;
        return new StoredResponse(http.Response.StatusCode, http.Response.ContentType, headers.Location, headers.RetryAfter, Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static StoredResponse FromEntity(TableEntity row) => new(
        row.GetInt32("Status") ?? StatusCodes.Status500InternalServerError,
        row.GetString("ContentType"),
        row.GetString("Location"),
        null,
        row.GetString("Body") ?? "");

    public StoredResponse AsReplay() => new(Status, ContentType, Location, RetryAfter, Body) { Replayed = true };

    /// A top-level string property of a JSON body; null when the body is not a JSON object or has no such string.
    public string? JsonProperty(string name) =>
        JsonObjectBody() is { } json && json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// A copy whose JSON body has the top-level property <paramref name="name"/> set to <paramref name="value"/> (null:
    /// withheld). The same answer when the body is not a JSON object holding that property.
    public StoredResponse WithJsonProperty(string name, string? value)
    {
        if (JsonObjectBody() is not { } json || !json.ContainsKey(name))
        {
            return this;
        }

        json[name] = value;
        return new(Status, ContentType, Location, RetryAfter, json.ToJsonString()) { Replayed = Replayed };
    }

    public TableEntity ToEntity(string partition, string rowKey, string fingerprint, DateTimeOffset expiresAt) => new(partition, rowKey)
    {
        ["State"] = Completed,
        ["Fingerprint"] = fingerprint,
        ["ExpiresAt"] = expiresAt,
        ["Status"] = Status,
        ["ContentType"] = ContentType,
        ["Location"] = Location,
        ["Body"] = Body,
    };

    private JsonObject? JsonObjectBody()
    {
        try
        {
            return JsonNode.Parse(Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = ContentType;
        if (Location is not null)
        {
            response.Headers.Location = Location;
        }

        if (RetryAfter is not null)
        {
            response.Headers.RetryAfter = RetryAfter;
        }

        if (Replayed)
        {
            response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
        }

        await response.WriteAsync(Body, httpContext.RequestAborted);
    }
}
