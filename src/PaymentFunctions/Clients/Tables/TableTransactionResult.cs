using Azure;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// The result of an entity group transaction. The service answers 202 even when an operation failed,
/// so a failed transaction (nothing stored) is reported here rather than thrown when the failure is
/// one of the expected outcomes (409, 412, 404).
/// </summary>
public sealed class TableTransactionResult
{
    internal TableTransactionResult(IReadOnlyList<ETag> etags)
    {
        Succeeded = true;
        ETags = etags;
    }

    internal TableTransactionResult(int? failedActionIndex, int failedStatus, string? errorCode, string? errorMessage)
    {
        ETags = [];
        FailedActionIndex = failedActionIndex;
        FailedStatus = failedStatus;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
    }

    /// <summary>True when every operation was stored.</summary>
    public bool Succeeded { get; }

    /// <summary>The new ETag of each action, in order, on success; default for deletes. Empty on failure.</summary>
    public IReadOnlyList<ETag> ETags { get; }

    /// <summary>Zero-based index of the action that failed, when the service said which one.</summary>
    public int? FailedActionIndex { get; }

    /// <summary>HTTP status of the failed operation; 0 on success.</summary>
    public int FailedStatus { get; }

    /// <summary>The service's error code (e.g. EntityAlreadyExists, UpdateConditionNotSatisfied).</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's error message.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The failure mapped to a write outcome: 409 AlreadyExists, 412 PreconditionFailed, 404 NotFound.</summary>
    public TableWriteOutcome? FailedOutcome => Succeeded ? null : TableErrors.OutcomeFor(FailedStatus);
}
