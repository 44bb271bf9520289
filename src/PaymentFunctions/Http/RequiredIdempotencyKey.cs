using Microsoft.AspNetCore.Http.HttpResults;

namespace PaymentFunctions.Http;

/// Staff changes (refunds, replays, requeues) require the Idempotency-Key header: it is the only thing that tells a
/// retry or a double click from a second change, so without it the request is refused (400, as
/// draft-ietf-httpapi-idempotency-key-header asks for a missing required key; 428 is for conditional requests,
/// If-Match and the like) before anything reaches Stripe, Service Bus or storage.
public static class RequiredIdempotencyKey
{
    /// Null and the parsed key, or the 400 to answer: the header missing (named), or malformed.
    public static ValidationProblem? Read(HttpRequest request, string change, out string key)
    {
        ArgumentNullException.ThrowIfNull(request);
        key = "";
        if (!request.Headers.TryGetValue(IdempotencyKeys.HeaderName, out var header))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [IdempotencyKeys.HeaderName] = [$"{IdempotencyKeys.HeaderName} is required: one key per {change}, sent again unchanged on every retry of it."] },
                title: $"{IdempotencyKeys.HeaderName} required",
                detail: $"A staff {change} needs an {IdempotencyKeys.HeaderName} header, so that a retry or a double click cannot make it twice. Nothing was done.");
        }

        return IdempotencyKeyHeader.TryParse(header, out key) ? null : Malformed();
    }

    public static ValidationProblem Malformed() =>
        JsonBody.Invalid(IdempotencyKeys.HeaderName, $"{IdempotencyKeys.HeaderName} must be one string of 1 to {IdempotencyKeyHeader.MaxLength} printable ASCII characters, quoted (\"...\") or bare.");
}
