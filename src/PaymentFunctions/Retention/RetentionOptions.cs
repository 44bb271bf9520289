using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Retention;

/// Section "Retention": how long rows that are no record of money are kept, and how much one run of the retention timer
/// does. Idempotency keys have no window here: they go once expired (Idempotency:KeyLifetime). Why each default is
/// what it is: docs/operations.md, "Retention".
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// A Stripe event's inbox row (its receipt). Well past Stripe's 3 days of retries and the 30 days its events API
    /// (reconciliation, an operator's replay) reaches back; a later arrival still changes nothing (its payment fact row stays).
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Retention:StripeInbox must be between 1 minute and 3650 days.")]
    public TimeSpan StripeInbox { get; set; } = TimeSpan.FromDays(30);

    /// A consumed message's inbox row (and those of expiry and cancels). Longer than the topic's duplicate detection
    /// (1 day) and its messages' time to live (14 days), so a redelivery or a dead letter requeued within those is
    /// recognised by its inbox row.
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Retention:ConsumerInbox must be between 1 minute and 3650 days.")]
    public TimeSpan ConsumerInbox { get; set; } = TimeSpan.FromDays(30);

    /// Records of ignored, unmatched and unprocessable Stripe events: long enough for a person to look at them.
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Retention:EventRecords must be between 1 minute and 3650 days.")]
    public TimeSpan EventRecords { get; set; } = TimeSpan.FromDays(90);

    /// Index entries one run handles at most per kind of row, oldest first (each a booking's or a user's rows, or one
    /// record); the rest wait for the next run.
    [Range(1, 1_000_000, ErrorMessage = "Retention:MaxEntriesPerRun must be between 1 and 1000000.")]
    public int MaxEntriesPerRun { get; set; } = 10_000;

    /// A run stops taking new entries after this long and the next run continues, inside the 5-minute function timeout.
    [Range(typeof(TimeSpan), "00:00:01", "00:04:30", ErrorMessage = "Retention:RunBudget must be between 1 second and 4.5 minutes.")]
    public TimeSpan RunBudget { get; set; } = TimeSpan.FromMinutes(4);
}
