using System.Text;
using Microsoft.Extensions.Options;

namespace StripeEmulator.Webhooks;

/// Delivers queued events to the configured endpoint off the request path. Each event is delivered
/// on its own, so a failing event retrying with backoff does not hold up the others (Stripe does not
/// promise order either); each attempt is signed afresh with the time of that attempt.
internal sealed partial class WebhookDispatcher(
    EmulatorState state,
    IOptions<EmulatorOptions> options,
    IHttpClientFactory httpClients,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "StripeEmulator.Webhooks";
    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);
    private readonly EmulatorOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deliveries = new List<Task>();
        try
        {
            await foreach (var job in state.WebhookQueue.ReadAllAsync(stoppingToken))
            {
                deliveries.RemoveAll(t => t.IsCompleted);
                deliveries.Add(DeliverAsync(job, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: undelivered events stay pending, as at Stripe when an endpoint is disabled.
        }

        await Task.WhenAll(deliveries);
    }

    private async Task DeliverAsync(WebhookJob job, CancellationToken stoppingToken)
    {
        var url = _options.WebhookUrl!;
        var delay = _options.WebhookRetryDelay;
        for (var attempt = 1; attempt <= _options.WebhookMaxAttempts; attempt++)
        {
            int? status = null;
            string? error = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(job.Body, Encoding.UTF8, "application/json"),
                };
                if (_options.WebhookSecret is { } secret)
                {
                    request.Headers.TryAddWithoutValidation("Stripe-Signature", WebhookSigner.SignatureHeader(secret, job.Body, _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds()));
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(_options.WebhookTimeout);
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                error = "timed out";
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var succeeded = status is >= 200 and < 300;
            var last = succeeded || attempt == _options.WebhookMaxAttempts;
            state.AddDelivery(new WebhookDelivery(job.EventId, job.EventType, attempt, status, error, _options.TimeProvider.GetUtcNow(), last ? null : delay));
            if (succeeded)
            {
                state.MarkWebhookDelivered(job.EventId);
                return;
            }

            LogAttemptFailed(logger, job.EventId, attempt, status, error);
            if (last)
            {
                return;
            }

            try
            {
                await Task.Delay(delay, _options.TimeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} attempt {Attempt} failed: status {Status}, {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string eventId, int attempt, int? status, string? error);
}
