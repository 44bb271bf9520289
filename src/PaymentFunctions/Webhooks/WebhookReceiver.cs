using Microsoft.Extensions.Options;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Webhooks;

/// One Stripe webhook delivery, from raw bytes to a receipt: a turn, the body, the signature, the API version, the
/// typed event and its shape, then WebhookProcessor. Every refusal comes before anything is stored.
public sealed class WebhookReceiver(
    SignedEventReader reader, WebhookProcessor processor, WebhookAdmission admission, FaultInjection faults, IOptions<StripeOptions> options, ILogger<WebhookReceiver> logger)
{
    public async Task<WebhookReceipt> ReceiveAsync(Stream body, long? contentLength, string? signature, CancellationToken requestAborted)
    {
        var settings = options.Value;

        // Answer before Stripe gives up on us: a slow store is better reported as 503 (Stripe redelivers, the
        // inbox makes that safe) than left to time out at Stripe's end while we keep working.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds));

        // A turn before the body is even read: a webhook waiting for one holds only its connection (no body, no
        // parsed event that would outlive collections while it waits), and one refused was not read at all.
        using var turn = await TryEnterAsync(deadline, requestAborted);
        if (turn is null)
        {
            logger.LogWarning("Refused a Stripe webhook with 503: {Limit} webhooks were already being processed", settings.MaxConcurrentWebhooks);
            return WebhookReceipt.Refused(WebhookReceiptKind.Busy, "Too many webhooks at once", $"The webhook was not read: {settings.MaxConcurrentWebhooks} webhooks are being processed; redeliver it.");
        }

        var raw = await RawBody.ReadAsync(body, contentLength, settings.MaxWebhookBytes, requestAborted);
        if (raw is null)
        {
            return WebhookReceipt.Refused(WebhookReceiptKind.TooLarge, "Payload too large", $"Webhook bodies are limited to {settings.MaxWebhookBytes} bytes.");
        }

        if (!reader.TryRead(raw, signature, out var stripeEvent, out var refusal))
        {
            return refusal;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["StripeEventId"] = stripeEvent.Id });
        faults.Reached(FaultInjection.WebhookAfterVerify);
        try
        {
            return WebhookReceipt.Processed(stripeEvent.Id, await processor.ProcessAsync(stripeEvent, deadline.Token));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !requestAborted.IsCancellationRequested)
        {
            return WebhookReceipt.Refused(WebhookReceiptKind.Busy, "Webhook processing timed out", $"{stripeEvent.Id} was not fully processed within {settings.WebhookTimeoutSeconds} s; redeliver it.");
        }
    }

    /// No turn within the queue time, or the webhook's deadline came first: null, answered with 503.
    private async Task<IDisposable?> TryEnterAsync(CancellationTokenSource deadline, CancellationToken requestAborted)
    {
        try
        {
            return await admission.TryEnterAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !requestAborted.IsCancellationRequested)
        {
            return null;
        }
    }
}
