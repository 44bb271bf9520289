using System.Text;
using Azure.Data.Tables;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings.Domain;

/// The payment side's view of a booking's payment, derived from its payment fact rows (one per Stripe event,
/// written in the same batch as the inbox and outbox rows). What the SPA polls, folded from the facts of the
/// intents the booking issued only (Payments/PaymentStatusReader).
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

    /// What Stripe currently reports as refunded, folded exactly as the booking folds it.
    public long AmountRefunded => RefundFacts.RefundedAmount;

    /// The refund facts only (the booking's fold, so a failed refund stops counting here too).
    public PaymentFacts RefundFacts { get; init; } = PaymentFacts.None;

    public string? FailureCode { get; init; }

    public string? FailureMessage { get; init; }

    public string? DisputeStatus { get; init; }

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
            PaymentRefunded or RefundUpdated => state with { RefundFacts = BookingStateMachine.Apply(state.RefundFacts, e) },
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

    /// One Stripe event's fact row: appended in the webhook's transaction and never updated, holding the domain event
    /// as it was published. The state is folded from these rows when read, so the webhook reads nothing before its
    /// commit (a read-modify-write of one state row cost a read per webhook and lost races under bursts).
    public static TableEntity FactRow(PaymentEvent paymentEvent, OutboxMessage published) =>
        new(paymentEvent.BookingId, RowKeys.PaymentFact(paymentEvent.StripeEventId)) { ["Type"] = published.Type, ["Event"] = published.Body };

    /// The event one fact row holds (a row of <see cref="RowKeys.PaymentFactPrefix"/>).
    public static PaymentEvent EventOf(TableEntity factRow)
    {
        ArgumentNullException.ThrowIfNull(factRow);
        return CloudEventEnvelope.ReadPaymentEvent(Encoding.UTF8.GetBytes(factRow.GetString("Event")!));
    }

    /// Applies the events in Stripe's order (creation time, then event id), whatever order they arrived in.
    public static PaymentState? Fold(IEnumerable<PaymentEvent> events) =>
        events.OrderBy(e => e.OccurredAt).ThenBy(e => e.StripeEventId, StringComparer.Ordinal).Aggregate((PaymentState?)null, Apply);

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
