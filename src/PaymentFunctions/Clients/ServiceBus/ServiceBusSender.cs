using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.ServiceBus;

/// <summary>
/// Sends messages to one Service Bus topic over the REST API (<c>POST {namespace}/{topic}/messages</c>). Thread-safe:
/// create one per topic and keep it for the life of the app. Transient failures (408, 429, 500, 502, 503, 504,
/// connection errors) are retried by Azure.Core's retry policy; the MessageId stays the same on every attempt, so the
/// topic's duplicate detection drops a resend whose first attempt was in fact stored.
/// </summary>
public sealed partial class ServiceBusSender
{
    private const string EntraScope = "https://servicebus.azure.net/.default";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _messagesUri;
    private readonly int _maxBatchBytes;

    /// <summary>Creates a sender from a namespace connection string.</summary>
    /// <param name="connectionString"><c>Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=..;SharedAccessKey=..[;EntityPath=..]</c>.</param>
    /// <param name="topicName">The topic; must match <c>EntityPath</c> when the connection string has one.</param>
    /// <param name="options">Retry, transport and limits; defaults when null.</param>
    public ServiceBusSender(string connectionString, string topicName, ServiceBusSenderOptions? options = null)
        : this(ServiceBusConnectionString.Parse(connectionString, topicName), topicName, options ?? new ServiceBusSenderOptions())
    {
    }

    /// <summary>Creates a sender that signs requests with a shared access key.</summary>
    /// <param name="namespaceEndpoint"><c>sb://</c> or <c>https://</c> namespace address (sent as https); an <c>http://</c> address is used as given.</param>
    /// <param name="topicName">The topic to send to.</param>
    /// <param name="credential">The shared access policy key.</param>
    /// <param name="options">Retry, transport and limits; defaults when null.</param>
    public ServiceBusSender(Uri namespaceEndpoint, string topicName, ServiceBusSasCredential credential, ServiceBusSenderOptions? options = null)
        : this(namespaceEndpoint, topicName, options ?? new ServiceBusSenderOptions(), AuthBy(credential))
    {
    }

    /// <summary>Creates a sender that authenticates with Microsoft Entra ID (scope <c>https://servicebus.azure.net/.default</c>).</summary>
    /// <param name="namespaceEndpoint"><c>sb://</c> or <c>https://</c> namespace address; bearer tokens are only ever sent over https.</param>
    /// <param name="topicName">The topic to send to.</param>
    /// <param name="credential">The identity, e.g. <c>DefaultAzureCredential</c> or a managed identity.</param>
    /// <param name="options">Retry, transport and limits; defaults when null.</param>
    public ServiceBusSender(Uri namespaceEndpoint, string topicName, TokenCredential credential, ServiceBusSenderOptions? options = null)
        : this(namespaceEndpoint, topicName, options ?? new ServiceBusSenderOptions(), AuthBy(credential))
    {
    }

    private ServiceBusSender(ServiceBusConnectionString parts, string topicName, ServiceBusSenderOptions options)
        : this(parts.Endpoint, topicName, options, AuthBy(new ServiceBusSasCredential(parts.KeyName, parts.Key, options.TimeProvider)))
    {
    }

    private ServiceBusSender(Uri namespaceEndpoint, string topicName, ServiceBusSenderOptions options, Func<string, TimeSpan, HttpPipelinePolicy> auth)
    {
        ArgumentNullException.ThrowIfNull(namespaceEndpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(topicName);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchBytes, 1024, nameof(options));
        TopicName = topicName;
        var endpoint = NormalizeEndpoint(namespaceEndpoint);
        var entityUri = new Uri(endpoint, string.Join('/', topicName.Split('/').Select(Uri.EscapeDataString)));
        Namespace = endpoint.Authority;
        _messagesUri = new Uri(entityUri.AbsoluteUri + "/messages?api-version=" + ServiceBusWire.ApiVersion);
        _maxBatchBytes = options.MaxBatchBytes;
        _pipeline = HttpPipelineBuilder.Build(options, [], [auth(entityUri.AbsoluteUri, options.SasTokenLifetime)], new ResponseClassifier());
    }

    /// <summary>The topic this sender sends to.</summary>
    public string TopicName { get; }

    private string Namespace { get; }

    /// <summary>Sends one message (REST "Send Message"): raw body, BrokerProperties header, one header per application property.</summary>
    /// <exception cref="RequestFailedException">The broker refused the message; the message names the topic and the reason.</exception>
    public async Task SendAsync(ServiceBusMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.Equals(message.ContentType, ServiceBusWire.BatchContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Content type '{ServiceBusWire.BatchContentType}' marks a batch; the broker would not read this body as one message.", nameof(message));
        }

        AssignMessageId(message);
        using var http = _pipeline.CreateMessage();
        var request = http.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_messagesUri);
        request.Headers.SetValue("BrokerProperties", ServiceBusWire.BrokerPropertiesHeader(message));
        foreach (var (name, value) in message.ApplicationProperties)
        {
            ServiceBusWire.ValidatePropertyName(name);
            request.Headers.SetValue(name, ServiceBusWire.HeaderValue(name, value));
        }

        if (message.ContentType is not null)
        {
            request.Headers.SetValue(HttpHeader.Names.ContentType, message.ContentType);
        }

        request.Content = RequestContent.Create(message.Body);
        await _pipeline.SendAsync(http, ct);
        ThrowIfNotSent(http.Response, "message");
    }

    private static Func<string, TimeSpan, HttpPipelinePolicy> AuthBy(ServiceBusSasCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return (resource, lifetime) => new ServiceBusSasPolicy(credential, resource, lifetime);
    }

    private static Func<string, TimeSpan, HttpPipelinePolicy> AuthBy(TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return (_, _) => new BearerTokenAuthenticationPolicy(credential, EntraScope);
    }

    private static Uri NormalizeEndpoint(Uri endpoint)
    {
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The namespace endpoint '{endpoint}' must be an absolute sb://, https:// or http:// address.", nameof(endpoint));
        }

        var builder = new UriBuilder(endpoint) { Path = "/", Query = string.Empty, Fragment = string.Empty };
        switch (endpoint.Scheme)
        {
            case "sb":
                // sb:// is the AMQP-era way connection strings name a namespace; the REST API lives at https on 443.
                builder.Scheme = Uri.UriSchemeHttps;
                builder.Port = -1;
                break;
            case "https":
            case "http":
                break;
            default:
                throw new ArgumentException($"The namespace endpoint scheme '{endpoint.Scheme}' is not sb, https or http.", nameof(endpoint));
        }

        return builder.Uri;
    }

    private static void AssignMessageId(ServiceBusMessage message) => message.MessageId ??= Guid.NewGuid().ToString("N");
}
