namespace PaymentFunctions.Clients.Stripe;

/// <summary>Stripe's error object (<c>{"error":{...}}</c>), also found as a PaymentIntent's <c>last_payment_error</c>.</summary>
/// <param name="Type">api_error, card_error, idempotency_error or invalid_request_error.</param>
/// <param name="Code">A short machine-readable code such as <c>card_declined</c> or <c>lock_timeout</c>.</param>
/// <param name="DeclineCode">The issuer's reason for a card decline, when given.</param>
/// <param name="Param">The request parameter the error is about, when there is one.</param>
/// <param name="Message">A human-readable message; for card errors it may be shown to the customer.</param>
public sealed record StripeError(string? Type, string? Code, string? DeclineCode, string? Param, string? Message);
