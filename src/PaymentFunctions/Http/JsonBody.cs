using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PaymentFunctions.Http;

/// A JSON request body read by hand instead of by parameter binding: the raw bytes are needed for the
/// Idempotency-Key fingerprint, and every way a body can be wrong must answer problem+json naming the field.
public static class JsonBody
{
    public const int MaxBytes = 16 * 1024;
    // Web defaults read "2" as the number 2; a client that sends a string where the contract says number has a
    // bug worth surfacing, so numbers are strict.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.Strict };

    public static async Task<JsonRequest<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return Failed<T>(TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "The request body must be JSON (Content-Type: application/json)."));
        }

        var raw = await RawBody.ReadAsync(request, MaxBytes, cancellationToken);
        if (raw is null)
        {
            return Failed<T>(TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Request body too large",
                detail: $"The request body must be at most {MaxBytes} bytes."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(raw, Options);
            return value is null
                ? Failed<T>(Invalid("body", "The request body must be a JSON object."), raw)
                : new JsonRequest<T>(raw, value, null);
        }
        catch (JsonException ex)
        {
            // The path names the field ("$.quantity"); the message itself may echo input, so it is not repeated.
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "body";
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : "";
            return Failed<T>(Invalid(field, $"The request body is not valid JSON for this field{where}."), raw);
        }
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static JsonRequest<T> Failed<T>(Results<ProblemHttpResult, ValidationProblem> problem, byte[]? raw = null)
        where T : class => new(raw ?? [], null, problem);
}

/// The body's raw bytes (for the Idempotency-Key fingerprint) and its value, or the problem to answer with.
public sealed record JsonRequest<T>(byte[] Raw, T? Value, Results<ProblemHttpResult, ValidationProblem>? Problem)
    where T : class;
