using Azure;
using Azure.Core;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// Entity operations on one table, shaped like Azure.Data.Tables.TableClient. Thread-safe.
/// Expected answers (409 exists, 412 lost race, 404 missing) come back as <see cref="TableWriteResult"/>;
/// anything else throws <see cref="RequestFailedException"/>.
/// </summary>
public sealed partial class TableClient
{
    private static readonly RequestMethod Merge = new("MERGE");
    private readonly TableServiceClient _service;

    internal TableClient(TableServiceClient service, string name)
    {
        _service = service;
        Name = name;
    }

    /// <summary>The table name.</summary>
    public string Name { get; }

    /// <summary>Creates the table; an existing table is success.</summary>
    /// <exception cref="RequestFailedException">The service answered anything but 201/204/409.</exception>
    public async Task CreateIfNotExistsAsync(CancellationToken ct = default)
    {
        using var message = _service.CreateMessage(RequestMethod.Post, "Tables");
        SetJsonBody(message, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        var response = await SendAsync(message, ct);
        if (response.Status is not (201 or 204 or 409))
        {
            throw TableErrors.Unexpected(response, "create table");
        }
    }

    /// <summary>Inserts an entity.</summary>
    /// <returns>Succeeded with the new ETag, or AlreadyExists (409).</returns>
    /// <exception cref="ArgumentException">Keys or properties break the service's rules; nothing is sent.</exception>
    /// <exception cref="RequestFailedException">Any other unexpected answer.</exception>
    public async Task<TableWriteResult> AddEntityAsync(TableEntity entity, CancellationToken ct = default)
    {
        var body = TableEntityJson.Serialize(entity);
        using var message = _service.CreateMessage(RequestMethod.Post, Escape(Name));
        SetJsonBody(message, body);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        var response = await SendAsync(message, ct);
        return WriteResult(response, "add entity", 201, 204);
    }

    /// <summary>Reads one entity by its keys.</summary>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="rowKey">The row key.</param>
    /// <param name="select">Properties to return (all when null).</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The entity with its ETag, or null when it (or the table) does not exist.</returns>
    public async Task<TableEntity?> GetEntityAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken ct = default)
    {
        using var message = _service.CreateMessage(RequestMethod.Get, EntityPath(partitionKey, rowKey), SelectQuery(select));
        var response = await SendAsync(message, ct);
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw TableErrors.Unexpected(response, "get entity");
        }

        using var document = System.Text.Json.JsonDocument.Parse(response.Content.ToMemory());
        var entity = TableEntityJson.Deserialize(document.RootElement);
        if (response.Headers.ETag is { } etag)
        {
            entity.ETag = etag;
        }

        return entity;
    }

    /// <summary>Updates an existing entity if its ETag still matches.</summary>
    /// <param name="entity">The entity to write.</param>
    /// <param name="ifMatch">The ETag read earlier, or <see cref="ETag.All"/> for any version.</param>
    /// <param name="mode">Merge keeps properties not sent; Replace drops them.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>Succeeded with the new ETag, PreconditionFailed (412) or NotFound (404).</returns>
    public async Task<TableWriteResult> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode, CancellationToken ct = default)
    {
        if (ifMatch == default)
        {
            throw new ArgumentException("UpdateEntityAsync needs an ETag; pass ETag.All to overwrite any version.", nameof(ifMatch));
        }

        return await WriteAsync(entity, mode, ifMatch, "update entity", ct);
    }

    /// <summary>Inserts the entity, or merges/replaces it if it exists.</summary>
    /// <returns>Succeeded with the new ETag.</returns>
    public Task<TableWriteResult> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode, CancellationToken ct = default) =>
        WriteAsync(entity, mode, ifMatch: null, "upsert entity", ct);

    /// <summary>Deletes an entity.</summary>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="rowKey">The row key.</param>
    /// <param name="ifMatch">The ETag read earlier; default deletes any version ("*").</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>Succeeded, PreconditionFailed (412) or NotFound (404).</returns>
    public async Task<TableWriteResult> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken ct = default)
    {
        using var message = _service.CreateMessage(RequestMethod.Delete, EntityPath(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", IfMatchValue(ifMatch));
        var response = await SendAsync(message, ct);
        var result = WriteResult(response, "delete entity", 204);
        return result with { ETag = default };
    }

    private async Task<TableWriteResult> WriteAsync(TableEntity entity, TableUpdateMode mode, ETag? ifMatch, string operation, CancellationToken ct)
    {
        var body = TableEntityJson.Serialize(entity);
        var method = mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put;
        using var message = _service.CreateMessage(method, EntityPath(entity.PartitionKey, entity.RowKey));
        SetJsonBody(message, body);
        if (ifMatch is { } etag)
        {
            message.Request.Headers.SetValue("If-Match", IfMatchValue(etag));
        }

        var response = await SendAsync(message, ct);
        return WriteResult(response, operation, 204);
    }

    private static TableWriteResult WriteResult(Response response, string operation, params int[] success)
    {
        if (success.Contains(response.Status))
        {
            return new TableWriteResult(TableWriteOutcome.Succeeded, response.Headers.ETag ?? default);
        }

        return TableErrors.OutcomeFor(response.Status) is { } outcome
            ? new TableWriteResult(outcome, default)
            : throw TableErrors.Unexpected(response, operation);
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken ct)
    {
        await _service.Pipeline.SendAsync(message, ct);
        return message.Response;
    }

    private static void SetJsonBody(HttpMessage message, byte[] body)
    {
        message.Request.Headers.SetValue("Content-Type", TableConstants.JsonContentType);
        message.Request.Content = RequestContent.Create(body);
    }

    internal static string IfMatchValue(ETag etag) => etag == default ? "*" : etag.ToString("H");
}
