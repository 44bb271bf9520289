using System.Net;

namespace PaymentFunctions.Tests.Infrastructure;

/// Holds every answer the test clients of PaymentAppHost get to docs/openapi.json (OpenApiContract): an answer the
/// document does not describe fails the test that got it, with what did not match. Kestrel's own refusals of a
/// request it cannot parse (an empty 400, 414 or 431; docs/http-api.md, "Errors and limits") never reached the app
/// and are not checked; anything the app answers is also checked as it leaves the app (AnswerRecorder).
public sealed class OpenApiCheckingHandler : DelegatingHandler
{
    private static readonly HttpStatusCode[] KestrelRefusals = [HttpStatusCode.BadRequest, HttpStatusCode.RequestUriTooLong, HttpStatusCode.RequestHeaderFieldsTooLarge];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Length == 0 && response.Content.Headers.ContentType is null && KestrelRefusals.Contains(response.StatusCode))
        {
            return response;
        }

        var path = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0];
        var violations = OpenApiContract.Committed.Violations(
            request.Method.Method, path, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body,
            header => response.Headers.NonValidated.Contains(header) || response.Content.Headers.NonValidated.Contains(header));
        if (violations.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"{request.Method} {path} answered {(int)response.StatusCode}, which docs/openapi.json does not describe:\n  {string.Join("\n  ", violations)}\nBody: {body}");
        }

        return response;
    }
}
