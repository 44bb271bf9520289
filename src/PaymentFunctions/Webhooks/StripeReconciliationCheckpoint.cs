using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Webhooks;

/// The one row saying how far reconciliation has come: every handled event created before SettledBefore is stored,
/// and was listed long enough after its creation that Stripe's list could not still be missing it.
internal sealed class StripeReconciliationCheckpoint(PaymentTables tables)
{
    private const string SettledBefore = "SettledBefore";

    // Written by the first version, which listed everything since the newest stored event's Created less the overlap.
    private const string LegacyCreated = "Created";

    public async Task<DateTimeOffset?> ReadAsync(TimeSpan overlap, CancellationToken cancellationToken)
    {
        var row = await tables.Lookups.FindAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow, cancellationToken);
        return row?.GetDateTimeOffset(SettledBefore) ?? row?.GetDateTimeOffset(LegacyCreated) - overlap;
    }

    public async Task SaveAsync(DateTimeOffset settledBefore, CancellationToken cancellationToken) =>
        await tables.Lookups.UpsertCheckedAsync(new TableEntity(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow) { [SettledBefore] = settledBefore }, TableUpdateMode.Replace, cancellationToken);
}
