namespace PaymentFunctions.Clients.Stripe;

/// <summary>One page of a Stripe list; ask for the next one with <c>starting_after</c> set to the last item's id.</summary>
/// <param name="Data">The items of this page, in Stripe's order (newest first for events).</param>
/// <param name="HasMore">Whether Stripe holds more items beyond this page.</param>
public sealed record StripeList<T>(IReadOnlyList<T> Data, bool HasMore)
{
    /// <summary>Stripe's <c>Request-Id</c> of the answer, for logs and support requests.</summary>
    public string? RequestId { get; init; }
}
