using Azure;
using Azure.Data.Tables;

namespace PaymentFunctions.Storage;

/// The app's writes: the SDK's own calls, with <see cref="TableRules"/> applied first. Expected outcomes stay
/// the SDK's: 409/412/404 come back as <see cref="RequestFailedException"/> (a failed transaction as
/// <see cref="TableTransactionFailedException"/> naming the failed action) for the caller to handle where
/// they mean something.
public static class CheckedWrites
{
    public static async Task<Response> AddCheckedAsync(this TableClient table, TableEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableRules.CheckEntity(entity);
        return await table.AddEntityAsync(entity, cancellationToken);
    }

    public static async Task<Response> UpsertCheckedAsync(this TableClient table, TableEntity entity, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableRules.CheckEntity(entity);
        return await table.UpsertEntityAsync(entity, mode, cancellationToken);
    }

    public static async Task<Response> UpdateCheckedAsync(this TableClient table, TableEntity entity, ETag ifMatch, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableRules.CheckEntity(entity);
        return await table.UpdateEntityAsync(entity, ifMatch, mode, cancellationToken);
    }

    /// Every transaction of the app goes through here: one guard where transactions are built.
    public static async Task<Response<IReadOnlyList<Response>>> SubmitCheckedAsync(this TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableRules.CheckTransaction(actions);
        return await table.SubmitTransactionAsync(actions, cancellationToken);
    }

    /// The entity, or null when it (or its table) does not exist.
    public static async Task<TableEntity?> FindAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken, IEnumerable<string>? select = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, cancellationToken);
        return found.HasValue ? found.Value : null;
    }
}
