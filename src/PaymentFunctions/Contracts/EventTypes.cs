
namespace PaymentFunctions.Contracts;

/// The versioned CloudEvents `type` of every event this service publishes (docs/events.md is the contract).
/// A breaking change to an event's data gets a new version (".v2") published beside the old one.
public static class EventTypes
{
    public const string PaymentsTopic = "payments";
    public const string BookingsTopic = "bookings";

    private static readonly (Type Clr, string Type, string Topic)[] All =
    [
        (typeof(PaymentSucceeded), "bookticket.payments.payment_succeeded.v1", PaymentsTopic),
        (typeof(PaymentFailed), "bookticket.payments.payment_failed.v1", PaymentsTopic),
        (typeof(PaymentCanceled), "bookticket.payments.payment_canceled.v1", PaymentsTopic),
        (typeof(PaymentProcessing), "bookticket.payments.payment_processing.v1", PaymentsTopic),
        (typeof(PaymentRequiresAction), "bookticket.payments.payment_requires_action.v1", PaymentsTopic),
        (typeof(PaymentRefunded), "bookticket.payments.payment_refunded.v1", PaymentsTopic),
        (typeof(RefundUpdated), "bookticket.payments.refund_updated.v1", PaymentsTopic),
        (typeof(DisputeOpened), "bookticket.payments.dispute_opened.v1", PaymentsTopic),
        (typeof(DisputeClosed), "bookticket.payments.dispute_closed.v1", PaymentsTopic),
        (typeof(BookingConfirmed), "bookticket.bookings.booking_confirmed.v1", BookingsTopic),
        (typeof(BookingPaymentFailed), "bookticket.bookings.booking_payment_failed.v1", BookingsTopic),
        (typeof(BookingCancelled), "bookticket.bookings.booking_cancelled.v1", BookingsTopic),
        (typeof(BookingDisputed), "bookticket.bookings.booking_disputed.v1", BookingsTopic),
        (typeof(BookingRefundFailed), "bookticket.bookings.booking_refund_failed.v1", BookingsTopic),
    ];

    public static string TypeOf(Type clrType) =>
        All.FirstOrDefault(e => e.Clr == clrType).Type ?? throw new ArgumentException($"{clrType.Name} has no event type.", nameof(clrType));

    public static string TopicOf(Type clrType) =>
        All.FirstOrDefault(e => e.Clr == clrType).Topic ?? throw new ArgumentException($"{clrType.Name} has no topic.", nameof(clrType));

    public static Type? ClrTypeOf(string type) => All.FirstOrDefault(e => e.Type == type).Clr;

    /// "bookticket.payments.payment_succeeded.v1" -> "payment_succeeded": the Service Bus Subject (Label).
    public static string ShortName(string type)
    {
        var parts = type.Split('.');
        return parts.Length >= 2 ? parts[^2] : type;
    }
}
