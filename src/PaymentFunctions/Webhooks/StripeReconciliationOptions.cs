using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Webhooks;

/// Section "Reconciliation": how much one run of <see cref="StripeReconciliation"/> may do.
public sealed class StripeReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// A run stops at the next page boundary once this much time has passed, so the Functions host (host.json's
    /// functionTimeout, 5 minutes) never kills it mid-window: the next run goes on from the saved checkpoint.
    [Range(typeof(TimeSpan), "00:00:01", "00:04:00", ErrorMessage = "Reconciliation:TimeBudget must be between 1 second and 4 minutes (the function times out at 5).")]
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(3);

    /// Events per GET /v1/events page, and so the most events a window (and a crash's redo) holds, unless one
    /// second alone holds more. Stripe's maximum is 100; tests use less to get many windows from few events.
    [Range(10, 100, ErrorMessage = "Reconciliation:PageSize must be between 10 and 100 (Stripe's maximum).")]
    public int PageSize { get; set; } = 100;
}
