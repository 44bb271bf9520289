using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;
using PaymentFunctions.Payments.Events;

namespace PaymentFunctions.Payments;

/// The payment side's view of a booking's payment ("payment" row), updated from Stripe events in the same
/// batch as the inbox and outbox rows. What the SPA polls.
public sealed record PaymentState
{
    private static readonly HashSet<string> Terminal = ["succeeded", "canceled"];

    public required string BookingId { get; init; }

    public required string PaymentIntentId { get; init; }

    /// Stripe's PaymentIntent status as of the newest event seen ("payment_failed" for a declined attempt).
    public required string Status { get; init; }

    /// When the status was set, by Stripe's clock; null until a status event (not a refund or dispute) arrived.
    public DateTimeOffset? StatusAt { get; init; }

    public string StatusEventId { get; init; } = "";

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public long AmountRefunded { get; init; }

    public string? FailureCode { get; init; }

    public string? FailureMessage { get; init; }

    public string? DisputeStatus { get; init; }

    public ETag ETag { get; init; }

    /// Applies one event; older events never overwrite newer ones, and a succeeded or canceled intent stays so
    /// (Stripe never moves a PaymentIntent out of those states).
    public static PaymentState Apply(PaymentState? current, PaymentEvent e)
    {
        var state = current ?? new PaymentState
        {
            BookingId = e.BookingId, PaymentIntentId = e.PaymentIntentId, Status = "requires_payment_method",
            Amount = e.Amount, Currency = e.Currency,
        };

        return e switch
        {
            PaymentRefunded r => state with { AmountRefunded = Math.Max(state.AmountRefunded, r.AmountRefunded) },
            DisputeOpened => state.DisputeStatus is "won" or "lost" ? state : state with { DisputeStatus = "open" },
            DisputeClosed c => state with { DisputeStatus = c.Outcome },
            _ when IsNewer(state, e) => state with
            {
                PaymentIntentId = e.PaymentIntentId,
                Status = StatusOf(e),
                StatusAt = e.OccurredAt,
                StatusEventId = e.StripeEventId,
                Amount = e.Amount,
                Currency = e.Currency,
                FailureCode = e is PaymentFailed f ? f.DeclineCode ?? f.FailureCode : null,
                FailureMessage = e is PaymentFailed g ? g.FailureMessage : null,
            },
            _ => state,
        };
    }

    public TableEntity ToEntity() => new(BookingId, RowKeys.Payment)
    {
        ["PaymentIntentId"] = PaymentIntentId,
        ["Status"] = Status,
        ["StatusAt"] = StatusAt,
        ["StatusEventId"] = StatusEventId,
        ["Amount"] = Amount,
        ["Currency"] = Currency,
        ["AmountRefunded"] = AmountRefunded,
        ["FailureCode"] = FailureCode,
        ["FailureMessage"] = FailureMessage,
        ["DisputeStatus"] = DisputeStatus,
    };

    public static PaymentState FromEntity(TableEntity entity) => new()
    {
        BookingId = entity.PartitionKey,
        PaymentIntentId = entity.GetString("PaymentIntentId")!,
        Status = entity.GetString("Status")!,
        StatusAt = entity.GetDateTimeOffset("StatusAt"),
        StatusEventId = entity.GetString("StatusEventId") ?? "",
        Amount = entity.GetInt64("Amount") ?? 0,
        Currency = entity.GetString("Currency")!,
        AmountRefunded = entity.GetInt64("AmountRefunded") ?? 0,
        FailureCode = entity.GetString("FailureCode"),
        FailureMessage = entity.GetString("FailureMessage"),
        DisputeStatus = entity.GetString("DisputeStatus"),
        ETag = entity.ETag,
    };

    private static bool IsNewer(PaymentState state, PaymentEvent e)
    {
        var sameIntent = state.PaymentIntentId == e.PaymentIntentId;
        if (Terminal.Contains(state.Status) && (sameIntent || state.Status == "succeeded"))
        {
            // A later attempt may replace a canceled intent, never a succeeded one.
            return false;
        }

        if (state.StatusAt is not { } statusAt)
        {
            return true;
        }

        var byTime = e.OccurredAt.CompareTo(statusAt);
        return byTime > 0 || (byTime == 0 && (IsTerminal(e) || string.CompareOrdinal(e.StripeEventId, state.StatusEventId) > 0));
    }

    private static bool IsTerminal(PaymentEvent e) => e is PaymentSucceeded or PaymentCanceled;

    private static string StatusOf(PaymentEvent e) => e switch
    {
        PaymentSucceeded => "succeeded",
        PaymentFailed => "payment_failed",
        PaymentCanceled => "canceled",
        PaymentProcessing => "processing",
        PaymentRequiresAction => "requires_action",
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Not a status event."),
    };
}
