using System.Text.Json;
using Azure;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// Turns unexpected answers into <see cref="RequestFailedException"/>. The message is built here from the
/// status and the service's error code/message only: no URL (it can carry keys), no request headers.
/// </summary>
internal static class TableErrors
{
    public static TableWriteOutcome? OutcomeFor(int status) => status switch
    {
        409 => TableWriteOutcome.AlreadyExists,
        412 => TableWriteOutcome.PreconditionFailed,
        404 => TableWriteOutcome.NotFound,
        _ => null,
    };

    public static RequestFailedException Unexpected(Response response, string operation)
    {
        var (code, message) = Parse(response.Content?.ToMemory() ?? ReadOnlyMemory<byte>.Empty);
        if (response.Headers.TryGetValue("x-ms-error-code", out var headerCode))
        {
            code = headerCode;
        }

        return Exception(response.Status, response.ReasonPhrase, code, message, operation);
    }

    public static RequestFailedException Exception(int status, string? reason, string? code, string? message, string operation)
    {
        var text = $"Table service answered {status} {reason} to {operation}";
        text += code is null ? "." : $": {code}";
        if (message is not null)
        {
            text += $" - {message}";
        }

        return new RequestFailedException(status, text, code, null);
    }

    /// <summary>Reads {"odata.error":{"code":..,"message":{"value":..}}}; tolerant of bodies that are not JSON.</summary>
    public static (string? Code, string? Message) Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("odata.error", out var error))
            {
                return (null, null);
            }

            var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
            string? message = null;
            if (error.TryGetProperty("message", out var m))
            {
                message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString();
            }

            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
