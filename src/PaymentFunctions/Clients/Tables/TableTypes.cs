using Azure;

namespace PaymentFunctions.Clients.Tables;

/// <summary>How an update or upsert treats properties the request does not carry.</summary>
public enum TableUpdateMode
{
    /// <summary>Keep stored properties the request does not mention (HTTP MERGE).</summary>
    Merge,

    /// <summary>Replace the whole stored entity (HTTP PUT).</summary>
    Replace,
}

/// <summary>The expected ways a single-entity write can end; anything else throws <see cref="RequestFailedException"/>.</summary>
public enum TableWriteOutcome
{
    /// <summary>The write was stored.</summary>
    Succeeded,

    /// <summary>409: an entity with the same keys already exists.</summary>
    AlreadyExists,

    /// <summary>412: the entity changed since the ETag was read.</summary>
    PreconditionFailed,

    /// <summary>404: the entity (or table) does not exist.</summary>
    NotFound,
}

/// <summary>The result of a single-entity write.</summary>
/// <param name="Outcome">How the write ended.</param>
/// <param name="ETag">The new ETag on success; default otherwise and for deletes.</param>
public readonly record struct TableWriteResult(TableWriteOutcome Outcome, ETag ETag)
{
    /// <summary>True when <see cref="Outcome"/> is <see cref="TableWriteOutcome.Succeeded"/>.</summary>
    public bool Succeeded => Outcome == TableWriteOutcome.Succeeded;
}

/// <summary>Where the next page of a query starts (the x-ms-continuation-Next* headers).</summary>
/// <param name="NextPartitionKey">Value of x-ms-continuation-NextPartitionKey.</param>
/// <param name="NextRowKey">Value of x-ms-continuation-NextRowKey, when the service sent one.</param>
public sealed record TableContinuation(string NextPartitionKey, string? NextRowKey);

/// <summary>One page of query results.</summary>
/// <param name="Entities">The entities of this page (possibly empty even when more pages follow).</param>
/// <param name="Continuation">Where the next page starts; null on the last page.</param>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, TableContinuation? Continuation);

/// <summary>The kind of operation inside an entity group transaction.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails with 409 when the entity exists.</summary>
    Add,

    /// <summary>Merge into an existing entity (If-Match, default "*").</summary>
    UpdateMerge,

    /// <summary>Replace an existing entity (If-Match, default "*").</summary>
    UpdateReplace,

    /// <summary>Insert or merge.</summary>
    UpsertMerge,

    /// <summary>Insert or replace.</summary>
    UpsertReplace,

    /// <summary>Delete (If-Match, default "*").</summary>
    Delete,
}

/// <summary>One operation of an entity group transaction.</summary>
/// <param name="ActionType">What to do.</param>
/// <param name="Entity">The entity (for deletes only its keys are used).</param>
/// <param name="IfMatch">ETag condition for updates and deletes; default means "*" (any version).</param>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, TableEntity Entity, ETag IfMatch = default);
