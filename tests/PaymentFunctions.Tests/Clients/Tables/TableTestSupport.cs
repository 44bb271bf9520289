using System.Net;
using Azure.Core.Pipeline;
using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Clients.Tables;

/// Records every request that reaches the wire and can answer the next N with a canned status instead of
/// forwarding them, so tests see retries and "nothing was sent" without a fake server.
internal sealed class RecordingHandler : DelegatingHandler
{
    private int _cannedLeft;

    public RecordingHandler()
        : base(new HttpClientHandler())
    {
    }

    public List<(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers)> Requests { get; } = [];

    public HttpStatusCode CannedStatus { get; private set; }

    public void AnswerNext(int count, HttpStatusCode status)
    {
        _cannedLeft = count;
        CannedStatus = status;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        lock (Requests)
        {
            Requests.Add((request.Method, request.RequestUri!, headers));
        }

        if (Interlocked.Decrement(ref _cannedLeft) >= 0)
        {
            return new HttpResponseMessage(CannedStatus) { Content = new StringContent("") };
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

internal static class TableTestSupport
{
    public static string UniqueTableName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..20];

    public static TableClientOptions FastRetryOptions(RecordingHandler? handler = null)
    {
        var options = new TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxRetries = 3;
        if (handler is not null)
        {
            options.Transport = new HttpClientTransport(new HttpClient(handler));
        }

        return options;
    }

    public static async Task<TableClient> NewTableAsync(RecordingHandler? handler = null)
    {
        var azurite = await AzuriteServer.Shared;
        var service = new TableServiceClient(azurite.ConnectionString, FastRetryOptions(handler));
        var table = service.GetTableClient(UniqueTableName());
        await table.CreateIfNotExistsAsync();
        handler?.Requests.Clear();
        return table;
    }
}
