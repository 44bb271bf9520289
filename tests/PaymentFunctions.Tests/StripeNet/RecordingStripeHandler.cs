using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Tests.Infrastructure;
using Stripe;

namespace PaymentFunctions.Tests.StripeNet;

internal sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body);

/// The HTTP edge under Stripe.net (its SystemNetHttpClient over an HttpClient over this handler): requests are
/// recorded as they would go on the wire, answers are scripted, connection failures thrown as HttpClient does.
internal sealed class RecordingStripeHandler : HttpMessageHandler
{
    public const string SecretKey = "sk_test_recording_0123456789";
    private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> _answers = new();

    public List<RecordedRequest> Requests { get; } = [];

    public RecordingStripeHandler Answer(int status, string body, params (string Name, string Value)[] headers)
    {
        _answers.Enqueue(_ =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        });
        return this;
    }

    /// An attempt that never gets an answer: only the HttpClient timeout ends it.
    public RecordingStripeHandler Hang()
    {
        _answers.Enqueue(async cancellationToken =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new UnreachableException();
        });
        return this;
    }

    public RecordingStripeHandler FailToConnect()
    {
        _answers.Enqueue(_ => throw new HttpRequestException("Connection refused (fake)"));
        return this;
    }

    /// The app's own client factory, so what is tested is what runs.
    public StripeClient CreateClient(int maxNetworkRetries = 2, TimeSpan? attemptTimeout = null, StripeCallMetrics? metrics = null) =>
        StripeSetup.CreateClient(new StripeOptions { SecretKey = SecretKey, ApiBase = new Uri("https://api.stripe.test/"), MaxNetworkRetries = maxNetworkRetries }, this, attemptTimeout, metrics: metrics);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(",", values);
        }

        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body));
        return _answers.Count > 0 ? await _answers.Dequeue()(cancellationToken) : throw new InvalidOperationException("The test did not expect another request.");
    }
}

internal static class StripeFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(System.IO.File.ReadAllBytes(RepoPaths.SharedReference("stripe", "fixtures3.json"))));

    public static string Resource(string name) => Document.Value.RootElement.GetProperty("resources").GetProperty(name).GetRawText();

    public static string ErrorJson(string type, string? code, string message) =>
        JsonSerializer.Serialize(new { error = new { type, code, message } });

    /// Form or query text back into (key, value) pairs, keys with their brackets.
    public static List<KeyValuePair<string, string>> DecodeForm(string form) =>
        form.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => new KeyValuePair<string, string>(Uri.UnescapeDataString(parts[0].Replace('+', ' ')), Uri.UnescapeDataString(parts[1].Replace('+', ' '))))
            .ToList();
}
