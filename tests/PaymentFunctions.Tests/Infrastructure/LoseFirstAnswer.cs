namespace PaymentFunctions.Tests.Infrastructure;

/// Lets the first matching request reach storage, then loses its answer, as a reset after the commit would.
public sealed class LoseFirstAnswer(Func<HttpRequestMessage, bool> matches) : DelegatingHandler(new HttpClientHandler())
{
    private int _lost;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (matches(request) && Interlocked.Exchange(ref _lost, 1) == 0)
        {
            response.Dispose();
            throw new IOException("connection reset after the server committed");
        }

        return response;
    }
}
