using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Payments;

/// Section "Payments": how often one user may ask for a PaymentIntent. Every such call costs at least one Stripe
/// request (a create, or a read of the current intent), and Stripe's rate limit is the whole account's.
public sealed class IntentLimitOptions
{
    public const string Section = "Payments";

    [Range(1, 10000, ErrorMessage = "Payments:MaxIntentCallsPerUser must be between 1 and 10000.")]
    public int MaxIntentCallsPerUser { get; set; } = 20;

    /// The sliding window MaxIntentCallsPerUser counts in.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Payments:IntentCallWindow must be between 1 second and 1 hour.")]
    public TimeSpan IntentCallWindow { get; set; } = TimeSpan.FromMinutes(1);
}
