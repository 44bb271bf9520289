using System.Net.Http.Headers;

namespace PaymentFunctions.Payments.StripeApi;

/// Stripe masks keys in its error messages, but a proxy or a broken emulator might echo one, and Stripe.net copies
/// the server's message into StripeException.Message, which ends up in logs. Error bodies are cleaned here, under
/// Stripe.net, so no exception it builds can carry the key. Success bodies are left alone (never scanned, never copied).
internal sealed class StripeKeyRedaction(string secretKey) : DelegatingHandler
{
    public const string Redacted = "[redacted]";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode || secretKey.Length == 0)
        {
            return response;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Contains(secretKey, StringComparison.Ordinal))
        {
            var contentType = response.Content.Headers.ContentType ?? new MediaTypeHeaderValue("application/json");
            response.Content.Dispose();
            response.Content = new StringContent(body.Replace(secretKey, Redacted, StringComparison.Ordinal));
            response.Content.Headers.ContentType = contentType;
        }

        return response;
    }
}
