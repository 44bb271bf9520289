using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Hosting.Standalone.Demo;

/// Section "Demo": what the demo page (Development only) needs beyond the app's own settings.
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// The key the page confirms PaymentIntents with, as Stripe.js would: the emulator takes any pk_test_ key; with a
    /// real sk_test_ key in Stripe:SecretKey, set the publishable key of the same Stripe account. Never a live key:
    /// the demo exists only where the stand-ins are allowed.
    [RegularExpression("^pk_test_[A-Za-z0-9_]+$", ErrorMessage = "Demo:StripePublishableKey must be a test-mode publishable key (pk_test_...).")]
    public string StripePublishableKey { get; set; } = "pk_test_emulator";
}
