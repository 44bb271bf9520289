using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// Entry point to one storage account's Table service, shaped like Azure.Data.Tables.TableServiceClient.
/// Thread-safe; register one as a singleton. All requests go through one Azure.Core pipeline (retry on
/// 408/429/5xx and transport errors, logging with the Authorization header redacted, auth per attempt).
/// </summary>
public sealed class TableServiceClient
{
    private readonly TableClientOptions _options;

    /// <summary>Creates a client from a Shared Key connection string (or <c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    /// <exception cref="ArgumentException">The connection string lacks a setting; the message never echoes the key.</exception>
    public TableServiceClient(string connectionString, TableClientOptions? options = null)
        : this(TableConnectionString.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a client that signs requests with the account key.</summary>
    public TableServiceClient(Uri accountEndpoint, TableSharedKeyCredential credential, TableClientOptions? options = null)
        : this(accountEndpoint, options ?? new TableClientOptions(), options => new TableSharedKeyPolicy(credential ?? throw new ArgumentNullException(nameof(credential)), options.TimeProvider))
    {
    }

    /// <summary>Creates a client that authenticates with Microsoft Entra ID (scope https://storage.azure.com/.default).</summary>
    public TableServiceClient(Uri accountEndpoint, TokenCredential credential, TableClientOptions? options = null)
        : this(accountEndpoint, options ?? new TableClientOptions(), _ => new BearerTokenAuthenticationPolicy(credential ?? throw new ArgumentNullException(nameof(credential)), "https://storage.azure.com/.default"))
    {
    }

    private TableServiceClient((Uri Endpoint, TableSharedKeyCredential Credential) parsed, TableClientOptions? options)
        : this(parsed.Endpoint, parsed.Credential, options)
    {
    }

    private TableServiceClient(Uri accountEndpoint, TableClientOptions options, Func<TableClientOptions, HttpPipelinePolicy> authPolicy)
    {
        ArgumentNullException.ThrowIfNull(accountEndpoint);
        _options = options;
        Endpoint = new Uri(accountEndpoint.AbsoluteUri.TrimEnd('/'));
        Pipeline = HttpPipelineBuilder.Build(
            options,
            perCallPolicies: [new TableHeadersPolicy(options.ApiVersion)],
            perRetryPolicies: [authPolicy(options)],
            new ResponseClassifier());
    }

    /// <summary>The account endpoint, e.g. https://account.table.core.windows.net or http://127.0.0.1:10002/devstoreaccount1.</summary>
    public Uri Endpoint { get; }

    internal HttpPipeline Pipeline { get; }

    /// <summary>Returns a client for one table (no request is sent).</summary>
    /// <exception cref="ArgumentException">The name is not a valid table name.</exception>
    public TableClient GetTableClient(string tableName)
    {
        TableValidation.ValidateTableName(tableName);
        return new TableClient(this, tableName);
    }

    /// <summary>One cheap authenticated round trip (GET /Tables?$top=1) for health checks.</summary>
    /// <exception cref="RequestFailedException">Storage did not answer, or answered with an error (e.g. 403 for a wrong key).</exception>
    public async Task PingAsync(CancellationToken ct = default)
    {
        using var message = CreateMessage(RequestMethod.Get, "Tables", ("$top", "1"));
        await Pipeline.SendAsync(message, ct);
        if (message.Response.Status != 200)
        {
            throw TableErrors.Unexpected(message.Response, "ping");
        }
    }

    internal HttpMessage CreateMessage(RequestMethod method, string escapedPath, params (string Name, string Value)[] query)
    {
        var message = Pipeline.CreateMessage();
        message.Request.Method = method;
        var uri = message.Request.Uri;
        uri.Reset(Endpoint);
        uri.AppendPath("/", escape: false);
        uri.AppendPath(escapedPath, escape: false);
        foreach (var (name, value) in query)
        {
            uri.AppendQuery(name, value, escapeValue: true);
        }

        return message;
    }
}
