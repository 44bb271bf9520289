namespace PaymentFunctions.Clients.Stripe;

/// <summary>
/// Stripe answered with an error, an unreadable body, or not at all (<see cref="Status"/> 0).
/// The message names the status, error type/code and request id; never the secret key.
/// </summary>
public sealed class StripeException : Exception
{
    internal StripeException(string message, int status, StripeError? error, string? requestId, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Error = error;
        RequestId = requestId;
    }

    /// <summary>The HTTP status Stripe answered with, or 0 when no answer arrived.</summary>
    public int Status { get; }

    /// <summary>Stripe's parsed error object, when the body held one.</summary>
    public StripeError? Error { get; }

    /// <summary>Stripe's <c>Request-Id</c> header, for logs and support requests.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// Stripe replayed this answer from an earlier request with the same Idempotency-Key (<c>Idempotent-Replayed: true</c>):
    /// Stripe keeps the first result of a key for 24 h, errors included, so that key will keep giving this answer.
    /// </summary>
    public bool Replayed { get; init; }

    /// <summary>
    /// Whether the same request (same Idempotency-Key) may succeed later: no answer, 429, 5xx, or a 409 that is a
    /// lock conflict rather than an idempotency key reused with different parameters.
    /// </summary>
    public bool IsTransient => Status switch
    {
        0 or 429 or >= 500 => true,
        409 => Error?.Type != "idempotency_error",
        _ => false,
    };
}
