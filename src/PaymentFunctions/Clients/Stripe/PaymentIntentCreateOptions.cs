namespace PaymentFunctions.Clients.Stripe;

/// <summary>The parameters of <c>POST /v1/payment_intents</c> this service uses.</summary>
/// <param name="Amount">In the currency's minor unit (cents; yen for zero-decimal currencies): conversion is the caller's business.</param>
/// <param name="Currency">Three-letter ISO code; sent in lower case as Stripe expects.</param>
public sealed record PaymentIntentCreateOptions(long Amount, string Currency)
{
    /// <summary>Sent as <c>metadata[key]=value</c>; Stripe allows 50 keys of up to 40 characters without square brackets.</summary>
    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Sent as <c>automatic_payment_methods[enabled]</c>, always explicitly so the account default cannot change it.</summary>
    public bool AutomaticPaymentMethods { get; init; } = true;

    /// <summary>An arbitrary description shown in the Dashboard.</summary>
    public string? Description { get; init; }

    /// <summary>Where Stripe sends the receipt, if anywhere.</summary>
    public string? ReceiptEmail { get; init; }
}
