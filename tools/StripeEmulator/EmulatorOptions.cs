namespace StripeEmulator;

/// Settings of the emulator; bound from the configuration section "Emulator", then the code delegate.
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// Where every event is POSTed; null turns webhooks off.
    public string? WebhookUrl { get; set; }

    /// The whsec_ secret the Stripe-Signature header is computed with.
    public string? WebhookSecret { get; set; }

    public string ApiKeyPrefix { get; set; } = "sk_test_";

    /// Keys with this prefix are publishable keys: a browser (Stripe.js, the demo SPA) retrieves and confirms a
    /// PaymentIntent with one and the intent's client secret, nothing else.
    public string PublishableKeyPrefix { get; set; } = "pk_test_";

    /// The API version stamped on events (Stripe renders them in the endpoint's version): by default the one
    /// the app's Stripe.net pins, so the app reads them as it would read real Stripe's.
    public string ApiVersion { get; set; } = Stripe.StripeConfiguration.ApiVersion;

    public int WebhookMaxAttempts { get; set; } = 5;

    /// First retry delay; each later retry doubles it (Stripe's exponential backoff, compressed).
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// How long after its creation a refund of a pm_card_refundFail charge fails (Stripe: "some time later").
    public TimeSpan RefundFailureDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// Source of ids and client secrets, injectable so tests can make them deterministic.
    public Random Random { get; set; } = Random.Shared;
}
