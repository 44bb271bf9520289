using System.Text;
using Azure;
using Azure.Core;

namespace PaymentFunctions.Clients.Tables;

public sealed partial class TableClient
{
    /// <summary>
    /// Submits an entity group transaction ($batch, one changeset): all actions are stored or none.
    /// Everything Azure would refuse is refused here first, because Azurite accepts some of it
    /// (notably several partitions in one batch).
    /// </summary>
    /// <param name="actions">1-100 actions, one PartitionKey, each RowKey once, at most 4 MiB in total.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>Success with one ETag per action, or the failed action's index, status and error when it failed with 409, 412 or 404.</returns>
    /// <exception cref="ArgumentException">The batch breaks a service rule; nothing is sent.</exception>
    /// <exception cref="RequestFailedException">The batch or one of its actions failed with another status.</exception>
    public async Task<TableTransactionResult> SubmitTransactionAsync(IEnumerable<TableTransactionAction> actions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var list = actions.ToList();
        ValidateTransaction(list);

        var batchBoundary = "batch_" + Guid.NewGuid().ToString("N");
        var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("N");
        var body = BuildBatchBody(list, batchBoundary, changesetBoundary);
        if (body.Length > TableConstants.MaxBatchBytes)
        {
            throw new ArgumentException($"The transaction body is {body.Length} bytes; the Table service allows 4 MiB.", nameof(actions));
        }

        using var message = _service.CreateMessage(RequestMethod.Post, "$batch");
        message.Request.Headers.SetValue("Content-Type", $"multipart/mixed; boundary={batchBoundary}");
        message.Request.Content = RequestContent.Create(body);
        var response = await SendAsync(message, ct);
        if (response.Status != 202)
        {
            throw TableErrors.Unexpected(response, "submit transaction");
        }

        response.Headers.TryGetValue("Content-Type", out var contentType);
        var parts = TableBatchResponse.Parse(contentType, response.Content.ToMemory());
        return TableBatchResponse.ToResult(parts, list);
    }

    private static void ValidateTransaction(List<TableTransactionAction> actions)
    {
        if (actions.Count is 0 or > TableConstants.MaxBatchOperations)
        {
            throw new ArgumentException($"A transaction holds 1-{TableConstants.MaxBatchOperations} actions; this one has {actions.Count}.", nameof(actions));
        }

        var partitionKey = actions[0].Entity?.PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            if (action?.Entity is null)
            {
                throw new ArgumentException("Every transaction action needs an entity.", nameof(actions));
            }

            if (!string.Equals(action.Entity.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                // Azurite stores such a batch; Azure rejects it. Refuse it so tests match production.
                throw new ArgumentException("All actions of a transaction must share one PartitionKey.", nameof(actions));
            }

            if (!rowKeys.Add(action.Entity.RowKey))
            {
                throw new ArgumentException("A transaction may touch each RowKey only once.", nameof(actions));
            }
        }
    }

    private byte[] BuildBatchBody(List<TableTransactionAction> actions, string batchBoundary, string changesetBoundary)
    {
        var text = new StringBuilder();
        text.Append("--").Append(batchBoundary).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append("\r\n\r\n");
        var tableUri = _service.Endpoint.AbsoluteUri + "/" + Escape(Name);
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            var entity = action.Entity;
            var (method, hasBody, ifMatch) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", true, (string?)null),
                TableTransactionActionType.UpdateMerge => ("MERGE", true, IfMatchValue(action.IfMatch)),
                TableTransactionActionType.UpdateReplace => ("PUT", true, IfMatchValue(action.IfMatch)),
                TableTransactionActionType.UpsertMerge => ("MERGE", true, null),
                TableTransactionActionType.UpsertReplace => ("PUT", true, null),
                TableTransactionActionType.Delete => ("DELETE", false, IfMatchValue(action.IfMatch)),
                _ => throw new ArgumentException($"Unknown action type {action.ActionType}.", nameof(actions)),
            };
            var uri = action.ActionType == TableTransactionActionType.Add
                ? tableUri
                : _service.Endpoint.AbsoluteUri + "/" + EntityPath(entity.PartitionKey, entity.RowKey);
            var json = hasBody ? Encoding.UTF8.GetString(TableEntityJson.Serialize(entity)) : null;

            text.Append("--").Append(changesetBoundary).Append("\r\n")
                .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                .Append(method).Append(' ').Append(uri).Append(" HTTP/1.1\r\n")
                .Append("Accept: ").Append(TableConstants.JsonAccept).Append("\r\n")
                .Append("DataServiceVersion: 3.0\r\n")
                .Append("Content-ID: ").Append(i + 1).Append("\r\n");
            if (ifMatch is not null)
            {
                text.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (json is not null)
            {
                text.Append("Content-Type: application/json\r\nPrefer: return-no-content\r\n\r\n").Append(json).Append("\r\n");
            }
            else
            {
                text.Append("\r\n");
            }
        }

        text.Append("--").Append(changesetBoundary).Append("--\r\n")
            .Append("--").Append(batchBoundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
