using Microsoft.Extensions.Options;
using StripeEmulator.Api;

namespace StripeEmulator.Payments;

/// Stripe's asynchronous refund failure (test card 4000000000005126, pm_card_refundFail): the refund was answered
/// "succeeded"; some time later (<see cref="EmulatorOptions.RefundFailureDelay"/>, on the emulator's clock) it turns
/// "failed" with a failure_reason, the money goes back on the charge (amount_refunded down, refunded false) and Stripe
/// sends refund.failed, charge.refund.updated and refund.updated, each carrying the refund.
internal sealed class RefundFailure(EmulatorState state, IOptions<EmulatorOptions> options)
{
    public const string Reason = "expired_or_canceled_card";
    private readonly EmulatorOptions _options = options.Value;

    /// Off the request path, like Stripe's; the events name the request that created the refund.
    public void Schedule(string refundId, RequestInfo request) => _ = FailLaterAsync(refundId, request);

    private async Task FailLaterAsync(string refundId, RequestInfo request)
    {
        await Task.Delay(_options.RefundFailureDelay, _options.TimeProvider);
        lock (state.Sync)
        {
            var refund = state.RefundsById[refundId];
            var charge = state.ChargesById[refund["charge"]!.GetValue<string>()];
            refund["status"] = "failed";
            refund["failure_reason"] = Reason;
            refund["failure_balance_transaction"] = state.NewId("txn_");
            var refunded = charge["amount_refunded"]!.GetValue<long>() - refund["amount"]!.GetValue<long>();
            charge["amount_refunded"] = refunded;
            charge["refunded"] = false;
            var listed = charge["refunds"]!["data"]!.AsArray();
            var index = listed.Select((r, i) => (r, i)).First(p => p.r!["id"]!.GetValue<string>() == refundId).i;
            listed[index] = refund.DeepClone();
            state.RecordEvent("refund.failed", refund, request);
            state.RecordEvent("charge.refund.updated", refund, request);
            state.RecordEvent("refund.updated", refund, request);
        }
    }
}
