using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Bookings.Domain;

/// Section "Bookings".
public sealed class BookingOptions
{
    public const string Section = "Bookings";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Bookings:HoldTime must be between 1 minute and 1 day.")]
    public TimeSpan HoldTime { get; set; } = TimeSpan.FromMinutes(30);

    [Range(1, 100, ErrorMessage = "Bookings:MaxQuantity must be between 1 and 100.")]
    public int MaxQuantity { get; set; } = 10;

    /// Unpaid bookings (PENDING or PAYMENT_FAILED, hold not over) one user may hold at once, on every instance together.
    [Range(1, 1000, ErrorMessage = "Bookings:MaxOpenBookingsPerUser must be between 1 and 1000.")]
    public int MaxOpenBookingsPerUser { get; set; } = 10;
}
