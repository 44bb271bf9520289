using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Payments.StripeApi;

/// Section "Stripe". Keys come from Key Vault references / user secrets, never from files in the repo.
public sealed class StripeOptions : IValidatableObject
{
    public const string Section = "Stripe";

    [Required(ErrorMessage = "Stripe:SecretKey is required (an sk_test_/sk_live_ or restricted rk_ key).")]
    public string SecretKey { get; set; } = "";

    public Uri ApiBase { get; set; } = new("https://api.stripe.com");

    /// Not a choice: Stripe.net pins the API version it sends and parses (StripeConfiguration.ApiVersion). Kept
    /// only so that a leftover setting of another version stops the app instead of being silently ignored.
    public string? ApiVersion { get; set; }

    /// Retries after the first attempt (connection errors, 409, 5xx), each with the same Idempotency-Key.
    [Range(0, 5, ErrorMessage = "Stripe:MaxNetworkRetries must be between 0 and 5.")]
    public int MaxNetworkRetries { get; set; } = 2;

    /// This instance's ceiling on requests to Stripe per second, retries included (<see cref="StripeRequestLimit"/>);
    /// 0 = none. Stripe's limits are per account: set it to the account's limit (less a share for other users of the
    /// key) divided by the most instances that run, or leave it off and let Stripe's 429s pace the calls.
    [Range(0, 10_000, ErrorMessage = "Stripe:MaxRequestsPerSecond must be between 0 (off) and 10000.")]
    public int MaxRequestsPerSecond { get; set; }

    /// How long a Stripe request waits for a turn under Stripe:MaxRequestsPerSecond before it fails as a 429 would.
    [Range(0, 10_000, ErrorMessage = "Stripe:RateLimitWaitMilliseconds must be between 0 and 10000.")]
    public int RateLimitWaitMilliseconds { get; set; } = 1000;

    /// Endpoint signing secrets; a signature matching any of them verifies. infra/main.bicep deploys two slots (the
    /// current secret and, during a roll, the previous one: infra/README.md, rotation).
    public string[] WebhookSecrets { get; set; } = [];

    [Range(1, 3600, ErrorMessage = "Stripe:WebhookToleranceSeconds must be between 1 and 3600.")]
    public int WebhookToleranceSeconds { get; set; } = 300;

    /// Events whose livemode differs are refused: a test-mode event must never confirm a real booking.
    public bool LiveMode { get; set; }

    /// Stripe waits a limited time for an answer; we answer 503 before that and let it redeliver.
    [Range(1, 60, ErrorMessage = "Stripe:WebhookTimeoutSeconds must be between 1 and 60.")]
    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// How long a webhook body may take to arrive, counted from the request, before it is answered 408. Bodies are
    /// read before a webhook takes a turn (<see cref="Webhooks.WebhookReceiver"/>), so a slow sender holds its
    /// connection for this long and nothing else. Stripe sends a few KiB at once; a few seconds is plenty.
    [Range(1, 60, ErrorMessage = "Stripe:WebhookBodyReadSeconds must be between 1 and 60.")]
    public int WebhookBodyReadSeconds { get; set; } = 5;

    /// Webhooks processed at once (<see cref="Webhooks.WebhookAdmission"/>); only verified bodies wait for a turn.
    [Range(1, 4096, ErrorMessage = "Stripe:MaxConcurrentWebhooks must be between 1 and 4096.")]
    public int MaxConcurrentWebhooks { get; set; } = 32;

    /// How long a webhook waits for a turn before it is answered 503 with Retry-After (0: not at all); the webhook's
    /// deadline (WebhookTimeoutSeconds) cuts a longer wait short with the same answer.
    [Range(0, 59_000, ErrorMessage = "Stripe:WebhookQueueMilliseconds must be between 0 and 59000.")]
    public int WebhookQueueMilliseconds { get; set; } = 2000;

    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Stripe:MaxWebhookBytes must be between 1 KiB and 16 MiB.")]
    public int MaxWebhookBytes { get; set; } = 512 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApiVersion is not null && ApiVersion != Stripe.StripeConfiguration.ApiVersion)
        {
            yield return new ValidationResult($"Stripe:ApiVersion is {ApiVersion}, but Stripe.net pins {Stripe.StripeConfiguration.ApiVersion}; remove the setting (the SDK decides the version).");
        }

        if (WebhookSecrets.Length == 0)
        {
            yield return new ValidationResult("Stripe:WebhookSecrets needs at least one endpoint secret, each starting with whsec_.");
        }

        // Named by index: in Azure each slot is a Key Vault reference, and one that did not resolve arrives as its own
        // @Microsoft.KeyVault(...) text. The value itself is never echoed.
        foreach (var slot in Enumerable.Range(0, WebhookSecrets.Length).Where(i => WebhookSecrets[i]?.StartsWith("whsec_", StringComparison.Ordinal) != true))
        {
            yield return new ValidationResult($"Stripe:WebhookSecrets:{slot} is not an endpoint secret (whsec_...); in Azure, check that its Key Vault reference resolved.");
        }

        var live = SecretKey.StartsWith("sk_live_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_live_", StringComparison.Ordinal);
        var test = SecretKey.StartsWith("sk_test_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_test_", StringComparison.Ordinal);
        if (SecretKey.Length > 0 && !live && !test)
        {
            yield return new ValidationResult("Stripe:SecretKey must be an sk_test_, sk_live_, rk_test_ or rk_live_ key.");
        }
        else if (SecretKey.Length > 0 && live != LiveMode)
        {
            yield return new ValidationResult($"Stripe:SecretKey is a {(live ? "live" : "test")} key but Stripe:LiveMode is {LiveMode}.");
        }
    }
}
