using System.Text.RegularExpressions;

namespace StripeEmulator.Api;

/// What a publishable key (pk_test_) may do, as Stripe.js uses one from a browser: retrieve and confirm a
/// PaymentIntent, each with the intent's client secret. Stripe.js sends the key as the form (or query) parameter
/// "key" rather than an Authorization header, so its requests are CORS simple requests. Anything else a publishable
/// key asks for is refused with Stripe's own words; a wrong or missing client secret too.
internal static partial class PublishableKeys
{
    public const string SecretKeyRequired = "This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.";
    public const string SecretMismatch = "The client_secret provided does not match the client_secret associated with the PaymentIntent.";

    /// The key Stripe.js sends in the body (POST) or the query (GET), when no Authorization header names one.
    public static async Task<string?> KeyParameterAsync(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method))
        {
            return request.Query["key"].FirstOrDefault();
        }

        return request.HasFormContentType ? (await request.ReadFormAsync(request.HttpContext.RequestAborted))["key"].FirstOrDefault() : null;
    }

    /// Null when the publishable key may make this request; else the error to answer with.
    public static async Task<ApiResult?> RefusalAsync(HttpRequest request, EmulatorState state)
    {
        var path = request.Path.Value ?? "";
        var match = HttpMethods.IsGet(request.Method) ? RetrieveIntent().Match(path) : HttpMethods.IsPost(request.Method) ? ConfirmIntent().Match(path) : Match.Empty;
        if (!match.Success)
        {
            return new ApiResult(401, StripeErrors.Body(StripeErrors.InvalidRequest, SecretKeyRequired), Saved: false);
        }

        var secret = HttpMethods.IsGet(request.Method)
            ? request.Query["client_secret"].FirstOrDefault()
            : request.HasFormContentType ? (await request.ReadFormAsync(request.HttpContext.RequestAborted))["client_secret"].FirstOrDefault() : null;
        if (string.IsNullOrEmpty(secret))
        {
            return StripeErrors.Missing("client_secret");
        }

        var id = match.Groups["id"].Value;
        lock (state.Sync)
        {
            if (!state.PaymentIntentsById.TryGetValue(id, out var intent))
            {
                return StripeErrors.NoSuch("payment_intent", id, "intent");
            }

            // Compared in constant time: a client secret is a bearer credential for this one intent.
            var stored = intent["client_secret"]?.GetValue<string>() ?? "";
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(stored), System.Text.Encoding.UTF8.GetBytes(secret))
                ? null
                : StripeErrors.Invalid("client_secret", SecretMismatch, "payment_intent_invalid_parameter");
        }
    }

    [GeneratedRegex(@"^/v1/payment_intents/(?<id>pi_[A-Za-z0-9]+)\z")]
    private static partial Regex RetrieveIntent();

    [GeneratedRegex(@"^/v1/payment_intents/(?<id>pi_[A-Za-z0-9]+)/confirm\z")]
    private static partial Regex ConfirmIntent();
}
