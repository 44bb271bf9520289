using Microsoft.Extensions.Options;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// One Stripe webhook delivery, from raw bytes to a receipt: the body (under a deadline of its own), the signature,
/// the API version, the typed event and its shape, then a turn, then WebhookProcessor. Every refusal comes before
/// anything is stored. Each delivery is counted and timed by how it ended (<see cref="WebhookMetrics"/>).
public sealed class WebhookReceiver(
    SignedEventReader reader,
    WebhookProcessor processor,
    WebhookAdmission admission,
    WebhookMetrics metrics,
    FaultInjection faults,
    TimeProvider clock,
    IOptions<StripeOptions> options,
    ILogger<WebhookReceiver> logger)
{
    public async Task<WebhookReceipt> ReceiveAsync(Stream body, long? contentLength, string? signature, CancellationToken requestAborted)
    {
        var started = clock.GetTimestamp();
        Event? stripeEvent = null;
        try
        {
            // Answer before Stripe gives up on us: a slow store is better reported as 503 (Stripe redelivers, the
            // inbox makes that safe) than left to time out at Stripe's end while we keep working.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds));

            // The body and its signature come before the turn. A turn taken first (as before) let anyone who drips bytes
            // hold all Stripe:MaxConcurrentWebhooks turns, and Stripe's own webhooks got 503. Now a sender costs a
            // connection until its body arrives or Stripe:WebhookBodyReadSeconds passes, and only a body signed with our
            // secret ever waits for a turn. Memory: a body is held while it arrives (at most Stripe:MaxWebhookBytes, as
            // before, and only as many bytes as were sent); what waits for a turn is Stripe's own deliveries, as many as
            // Stripe sends at once, each only its typed event (the raw bytes are dropped with ReadVerifiedAsync's frame),
            // and only for Stripe:WebhookQueueMilliseconds.
            (stripeEvent, var refusal) = await ReadVerifiedAsync(body, contentLength, signature, deadline.Token, requestAborted);
            var receipt = stripeEvent is null ? refusal! : await ProcessVerifiedAsync(stripeEvent, deadline, requestAborted);
            metrics.Record(receipt, stripeEvent?.Type, clock.GetElapsedTime(started), failure: null, aborted: false);
            return receipt;
        }
        catch (Exception ex)
        {
            metrics.Record(null, stripeEvent?.Type, clock.GetElapsedTime(started), ex, aborted: requestAborted.IsCancellationRequested);
            throw;
        }
    }

    /// A turn, then the processor: the receipt of an event whose signature and shape were checked.
    private async Task<WebhookReceipt> ProcessVerifiedAsync(Event stripeEvent, CancellationTokenSource deadline, CancellationToken requestAborted)
    {
        var settings = options.Value;
        using var turn = await TryEnterAsync(deadline, requestAborted);
        if (turn is null)
        {
            logger.LogWarning("Refused a Stripe webhook with 503: {Limit} webhooks were already being processed", settings.MaxConcurrentWebhooks);
            return WebhookReceipt.Refused(WebhookReceiptKind.Busy, "Too many webhooks at once", $"{stripeEvent.Id} was not processed: {settings.MaxConcurrentWebhooks} webhooks are being processed; redeliver it.");
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

    /// The verified event, or the refusal: too slow, too large, or not signed by Stripe for this app.
    private async Task<(Event? Event, WebhookReceipt? Refusal)> ReadVerifiedAsync(Stream body, long? contentLength, string? signature, CancellationToken deadline, CancellationToken requestAborted)
    {
        var settings = options.Value;
        // On the app's clock, so a test can pass the deadline without waiting for it.
        using var bodyTime = new CancellationTokenSource(TimeSpan.FromSeconds(settings.WebhookBodyReadSeconds), clock);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(deadline, bodyTime.Token);
        byte[]? raw;
        try
        {
            raw = await RawBody.ReadAsync(body, contentLength, settings.MaxWebhookBytes, reading.Token);
        }
        catch (OperationCanceledException) when (reading.IsCancellationRequested && !requestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Refused a Stripe webhook with 408: its body did not arrive within {Seconds} s", settings.WebhookBodyReadSeconds);
            return (null, WebhookReceipt.Refused(WebhookReceiptKind.TooSlow, "Webhook body too slow", $"The body did not arrive within {settings.WebhookBodyReadSeconds} s."));
        }

        if (raw is null)
        {
            return (null, WebhookReceipt.Refused(WebhookReceiptKind.TooLarge, "Payload too large", $"Webhook bodies are limited to {settings.MaxWebhookBytes} bytes."));
        }

        return reader.TryRead(raw, signature, out var stripeEvent, out var refusal) ? (stripeEvent, null) : (null, refusal);
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
