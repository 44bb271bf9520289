using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Storage;

/// A fresh table on the shared Azurite, reached through the SDK with a policy that counts what reaches the wire.
public sealed class StorageTables
{
    private readonly RequestCounter _counter;

    private StorageTables(TableClient table, RequestCounter counter)
    {
        Table = table;
        _counter = counter;
    }

    public TableClient Table { get; }

    /// Requests the SDK has sent since the table was created.
    public int Sent => _counter.Count;

    public static async Task<StorageTables> CreateAsync()
    {
        var azurite = await AzuriteServer.Shared;
        var counter = new RequestCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var table = new TableServiceClient(azurite.ConnectionString, options).GetTableClient("st" + Guid.NewGuid().ToString("N")[..16]);
        await table.CreateAsync();
        counter.Reset();
        return new StorageTables(table, counter);
    }

    public async Task<List<TableEntity>> RowsAsync(string partitionKey)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Volatile.Write(ref _count, 0);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
