using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Telemetry;

namespace PaymentFunctions.Payments;

/// Cancels unpaid bookings past their hold time. A failure fails the invocation; the next occurrence retries.
public sealed class BookingExpiryFunction(BookingExpiry expiry, TimerRunMetrics runs, ILogger<BookingExpiryFunction> logger)
{
    /// The app setting holding the NCRONTAB schedule (six fields, seconds first); see docs/configuration.md.
    public const string Schedule = "Timers:ExpirySchedule";

    [Function(BookingExpiry.Name)]
    public async Task RunAsync([TimerTrigger("%" + Schedule + "%")] TimerInfo timer, CancellationToken ct)
    {
        var expired = await runs.MeasureAsync(BookingExpiry.Name, () => expiry.RunAsync(ct), count => count);
        logger.LogInformation("Expired {Count} booking(s).", expired);
    }
}
