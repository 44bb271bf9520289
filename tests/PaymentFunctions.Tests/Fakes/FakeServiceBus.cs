using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Fakes;

/// <summary>
/// A loopback stand-in for a Service Bus namespace's REST send endpoint (<c>POST /{topic}/messages</c>), strict about
/// the documented wire contract: 201 when stored, 401 for a missing/invalid/expired SAS (recomputed with its own key,
/// <c>sr</c> must cover the topic) or an unknown bearer token, 404 for a topic it was not started with, 400 for a
/// malformed BrokerProperties header or batch, 413 over <see cref="MaxMessageBytes"/>. Duplicate detection drops a
/// message whose MessageId the topic already stored, and still answers 201, as the broker does.
/// Plain http on <see cref="Endpoint"/>; https on <see cref="HttpsEndpoint"/> for bearer tokens, which Azure.Core only
/// sends over TLS (use <see cref="CreateHttpsTransport"/> to trust its self-signed certificate).
/// </summary>
public sealed partial class FakeServiceBus : IAsyncDisposable
{
    public const string DefaultKeyName = "RootManageSharedAccessKey";

    private static readonly Lazy<X509Certificate2> Certificate = new(CreateCertificate);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<ReceivedMessage>> _topics = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _seenIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _bearerTokens = new(StringComparer.Ordinal);
    private readonly List<long> _sasExpiries = [];
    private readonly Queue<Fault> _faults = new();
    private WebApplication? _app;
    private int _received;
    private int _acceptedRequests;
    private string? _lastRejection;

    private FakeServiceBus(IEnumerable<string> topics)
    {
        foreach (var topic in topics)
        {
            _topics[topic] = [];
            _seenIds[topic] = new HashSet<string>(StringComparer.Ordinal);
        }
    }

    public Uri Endpoint { get; private set; } = null!;

    public Uri HttpsEndpoint { get; private set; } = null!;

    public string KeyName { get; } = DefaultKeyName;

    public string Key { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string ConnectionString => $"Endpoint={Endpoint};SharedAccessKeyName={KeyName};SharedAccessKey={Key}";

    /// The clock SAS expiry is checked against; share a test clock with the client to test renewal.
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// Largest accepted request body (single message body, or whole batch body); 256 KiB like the Standard tier.
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// Messages that reached a topic in a well-formed, authorized request, duplicates included.
    public int Received { get { lock (_lock) { return _received; } } }

    /// Requests answered 201.
    public int AcceptedRequests { get { lock (_lock) { return _acceptedRequests; } } }

    /// Why the last request was refused (400/401/404/413), for test diagnostics.
    public string? LastRejection { get { lock (_lock) { return _lastRejection; } } }

    /// The <c>se</c> of every SAS token the fake accepted, in order.
    public IReadOnlyList<long> SasExpiries { get { lock (_lock) { return [.. _sasExpiries]; } } }

    public static async Task<FakeServiceBus> StartAsync(params string[] topics)
    {
        var fake = new FakeServiceBus(topics);
        await fake.StartCoreAsync();
        return fake;
    }

    /// Stored (de-duplicated) messages of one topic, in arrival order.
    public IReadOnlyList<ReceivedMessage> Messages(string topic)
    {
        lock (_lock)
        {
            return _topics.TryGetValue(topic, out var messages) ? [.. messages] : [];
        }
    }

    public void AcceptBearerToken(string token)
    {
        lock (_lock)
        {
            _bearerTokens.Add(token);
        }
    }

    /// The next <paramref name="count"/> requests get <paramref name="status"/> before anything is checked or stored.
    public void FailNext(int count, HttpStatusCode status) => EnqueueFaults(count, new Fault(status, AfterStoring: false));

    /// The next <paramref name="count"/> requests are stored, then answered with <paramref name="status"/>: the answer
    /// was lost after the broker committed, so the client's retry must be caught by duplicate detection.
    public void FailNextAfterStoring(int count, HttpStatusCode status) => EnqueueFaults(count, new Fault(status, AfterStoring: true));

    /// The next <paramref name="count"/> requests have their connection aborted without an answer.
    public void DropConnectionNext(int count) => EnqueueFaults(count, new Fault(null, AfterStoring: false));

    /// The broker recovers: faults not yet used are forgotten.
    public void ClearFaults()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    /// A transport that trusts this fake's self-signed https certificate and nothing else.
    public static HttpPipelineTransport CreateHttpsTransport() => new HttpClientTransport(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.Thumbprint == Certificate.Value.Thumbprint,
    });

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task StartCoreAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = Certificate.Value));
        _app = builder.Build();
        Endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        HttpsEndpoint = new Uri($"https://127.0.0.1:{FreePort.Next()}/");
        _app.Urls.Add(Endpoint.AbsoluteUri.TrimEnd('/'));
        _app.Urls.Add(HttpsEndpoint.AbsoluteUri.TrimEnd('/'));
        _app.Run(HandleAsync);
        await _app.StartAsync();
    }

    private void EnqueueFaults(int count, Fault fault)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Re-import through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }

    /// Status null means "drop the connection".
    private sealed record Fault(HttpStatusCode? Status, bool AfterStoring);
}
