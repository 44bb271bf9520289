using PaymentFunctions.Http;

namespace PaymentFunctions.Payments.Checkout;

/// Section "Checkout": where Stripe's hosted page sends the customer back. Only to an origin the SPA is served from
/// (Cors:AllowedOrigins), never to one a request names: a success_url is a redirect Stripe performs on our behalf.
public sealed class CheckoutOptions
{
    public const string Section = "Checkout";
    public const string ReturnOriginSetting = "Checkout:ReturnOrigin";

    /// One of Cors:AllowedOrigins; unset: the first of them.
    public string? ReturnOrigin { get; set; }

    /// The origin success and cancel URLs are built on; null when the settings give none (start-up refuses that).
    public string? OriginFrom(SpaCorsOptions cors)
    {
        ArgumentNullException.ThrowIfNull(cors);
        return ReturnOrigin is { Length: > 0 } chosen
            ? cors.AllowedOrigins.FirstOrDefault(o => o == chosen)
            : cors.AllowedOrigins.FirstOrDefault();
    }

    public const string NotAnAllowedOrigin = ReturnOriginSetting + " must be one of Cors:AllowedOrigins (the SPA's origins), exactly as listed there.";

    public const string NoOrigin = "Cors:AllowedOrigins must hold at least one origin (the SPA's): Checkout's success and cancel URLs are built on it, or on " + ReturnOriginSetting + ".";
}
