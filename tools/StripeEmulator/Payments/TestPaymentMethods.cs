namespace StripeEmulator.Payments;

/// Stripe's test-mode PaymentMethod tokens and what confirming with each does.
internal static class TestPaymentMethods
{
    public enum Behaviour
    {
        Succeeds,
        Declines,
        RequiresAction,
    }

    /// Stripe's test cards take any future expiry; the emulator gives them all December 2034.
    /// RefundFails: Stripe's "asynchronous refund failure" card (4000000000005126): the charge succeeds, a refund of
    /// it is answered succeeded and fails some time later (see <see cref="RefundFailure"/>).
    public sealed record Card(Behaviour Behaviour, string Brand, string Last4, string? DeclineCode = null, string? DeclineMessage = null, int ExpMonth = 12, int ExpYear = 2034, bool RefundFails = false);

    public static readonly IReadOnlyDictionary<string, Card> Tokens = new Dictionary<string, Card>
    {
        ["pm_card_visa"] = new(Behaviour.Succeeds, "visa", "4242"),
        ["pm_card_mastercard"] = new(Behaviour.Succeeds, "mastercard", "4444"),
        ["pm_card_chargeDeclined"] = new(Behaviour.Declines, "visa", "0002", "generic_decline", "Your card was declined."),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new(Behaviour.Declines, "visa", "9995", "insufficient_funds", "Your card has insufficient funds."),
        ["pm_card_authenticationRequired"] = new(Behaviour.RequiresAction, "visa", "3184"),
        ["pm_card_refundFail"] = new(Behaviour.Succeeds, "visa", "5126", RefundFails: true),
    };
}
