using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Bookings;

/// Cancels unpaid bookings past their hold time. A failure fails the invocation; the next occurrence retries.
public sealed class BookingExpiryFunction(BookingExpiry expiry, ILogger<BookingExpiryFunction> logger)
{
    [Function(BookingExpiry.Name)]
    public async Task RunAsync([TimerTrigger("%" + TimerSchedules.Expiry + "%")] TimerInfo timer, CancellationToken ct)
    {
        var expired = await expiry.RunAsync(ct);
        logger.LogInformation("Expired {Count} booking(s).", expired);
    }
}
