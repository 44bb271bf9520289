using System.Net;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core.Pipeline;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Clients.Stripe;

internal sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body);

/// The HTTP edge of the Stripe client: Azure.Core's real HttpClientTransport over this handler, so requests are
/// recorded exactly as they would go on the wire and connection failures surface the way the transport reports them.
internal sealed class FakeStripeHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new();

    public List<RecordedRequest> Requests { get; } = [];

    public List<TimeSpan> Delays { get; } = [];

    public FakeStripeHandler Answer(int status, string body, params (string Name, string Value)[] headers)
    {
        _answers.Enqueue(() =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        });
        return this;
    }

    public FakeStripeHandler FailToConnect()
    {
        _answers.Enqueue(() => throw new HttpRequestException("Connection refused (fake)"));
        return this;
    }

    public StripeClient CreateClient(AzureKeyCredential? key = null, Action<StripeClientOptions>? configure = null)
    {
        var options = Options(this);
        options.Transport = new HttpClientTransport(new HttpClient(this));
        configure?.Invoke(options);
        return new StripeClient(new Uri("https://api.stripe.test"), key ?? new AzureKeyCredential("sk_test_fake"), options);
    }

    /// Options that never sleep: the delays are recorded instead.
    public static StripeClientOptions Options(FakeStripeHandler recorder) => new()
    {
        Jitter = () => 1.0,
        Delay = (delay, _) =>
        {
            recorder.Delays.Add(delay);
            return Task.CompletedTask;
        },
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(",", values);
        }

        var body = string.Empty;
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(",", values);
            }

            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        Requests.Add(new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body));
        return _answers.Count > 0 ? _answers.Dequeue()() : throw new InvalidOperationException("The test did not expect another request.");
    }
}

internal static class StripeFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(RepoPaths.SharedReference("stripe", "fixtures3.json"))));

    public static string PaymentIntentJson => Resource("payment_intent");

    public static string EventJson => Resource("event");

    public static string Resource(string name) => Document.Value.RootElement.GetProperty("resources").GetProperty(name).GetRawText();

    public static string ErrorJson(string type, string? code, string message, string? declineCode = null) =>
        JsonSerializer.Serialize(new { error = new { type, code, decline_code = declineCode, message, param = (string?)null } });

    /// Form or query text back into (key, value) pairs, keys with their brackets.
    public static List<KeyValuePair<string, string>> DecodeForm(string form) =>
        form.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => new KeyValuePair<string, string>(Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1])))
            .ToList();
}
