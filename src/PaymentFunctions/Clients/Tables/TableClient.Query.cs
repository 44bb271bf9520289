using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Core;

namespace PaymentFunctions.Clients.Tables;

public sealed partial class TableClient
{
    /// <summary>Streams every entity matching the filter, following continuation headers page by page.</summary>
    /// <param name="filter">An OData filter (see <see cref="TableOData"/>), or null for all entities.</param>
    /// <param name="select">Properties to return (all when null).</param>
    /// <param name="maxPerPage">Page size ($top); the service caps pages at 1000.</param>
    /// <param name="ct">Cancellation.</param>
    public async IAsyncEnumerable<TableEntity> QueryAsync(string? filter = null, IEnumerable<string>? select = null, int? maxPerPage = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var selectList = select?.ToArray();
        TableContinuation? continuation = null;
        do
        {
            var page = await QueryPageAsync(filter, selectList, maxPerPage, continuation, ct);
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <summary>Reads one page of a query.</summary>
    /// <param name="filter">An OData filter, or null for all entities.</param>
    /// <param name="select">Properties to return (all when null).</param>
    /// <param name="top">Page size ($top).</param>
    /// <param name="continuation">Where to start: null for the first page, else the previous page's continuation.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The entities and the continuation of the next page (null on the last page). A missing table reads as empty.</returns>
    public async Task<TablePage> QueryPageAsync(string? filter, IEnumerable<string>? select, int? top, TableContinuation? continuation, CancellationToken ct = default)
    {
        if (top is <= 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(top), top, "The page size must be 1-1000.");
        }

        var query = new List<(string, string)>(SelectQuery(select));
        if (!string.IsNullOrEmpty(filter))
        {
            query.Add(("$filter", filter));
        }

        if (top is { } t)
        {
            query.Add(("$top", t.ToString(CultureInfo.InvariantCulture)));
        }

        if (continuation is not null)
        {
            query.Add(("NextPartitionKey", continuation.NextPartitionKey));
            if (continuation.NextRowKey is { } nextRowKey)
            {
                query.Add(("NextRowKey", nextRowKey));
            }
        }

        using var message = _service.CreateMessage(RequestMethod.Get, Escape(Name) + "()", [.. query]);
        var response = await SendAsync(message, ct);
        if (response.Status == 404)
        {
            return new TablePage([], null);
        }

        if (response.Status != 200)
        {
            throw TableErrors.Unexpected(response, "query entities");
        }

        using var document = JsonDocument.Parse(response.Content.ToMemory());
        var entities = new List<TableEntity>();
        if (document.RootElement.TryGetProperty("value", out var value))
        {
            foreach (var item in value.EnumerateArray())
            {
                entities.Add(TableEntityJson.Deserialize(item));
            }
        }

        TableContinuation? next = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPk) && !string.IsNullOrEmpty(nextPk))
        {
            response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRk);
            next = new TableContinuation(nextPk, string.IsNullOrEmpty(nextRk) ? null : nextRk);
        }

        return new TablePage(entities, next);
    }
}
