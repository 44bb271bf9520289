using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Payments;

/// How the expiry timer works through the holds that are due.
public sealed class ExpiryOptions
{
    public const string Section = "Expiry";

    /// Holds expired at once. Each costs a Stripe cancel (about 0.2-0.4 s) and a few storage round trips; 16 keeps
    /// Stripe under 100 requests/s (live mode's default limit) at 0.2 s a cancel.
    [Range(1, 256, ErrorMessage = "Expiry:Concurrency must be between 1 and 256.")]
    public int Concurrency { get; set; } = 16;

    /// A run stops taking new holds after this long and the next run continues, so a backlog never outlasts the
    /// function timeout (5 minutes in host.json) with work half done.
    [Range(typeof(TimeSpan), "00:00:01", "00:04:30", ErrorMessage = "Expiry:RunBudget must be between 1 second and 4.5 minutes.")]
    public TimeSpan RunBudget { get; set; } = TimeSpan.FromMinutes(4);
}
