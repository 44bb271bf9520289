using System.Text.Json.Nodes;

namespace StripeEmulator.Api;

/// What a Stripe endpoint answers, kept as data so the idempotency layer can store and replay it.
/// Saved is false for answers given before the endpoint "began execution" (parameter validation):
/// Stripe does not store those under the idempotency key, so a corrected retry with the same key works.
internal sealed record ApiResult(int Status, JsonObject Body, bool Saved = true)
{
    public static ApiResult Ok(JsonObject body) => new(StatusCodes.Status200OK, body);
}

/// The request an event was caused by, as Stripe records it in event.request.
internal sealed record RequestInfo(string RequestId, string? IdempotencyKey);
