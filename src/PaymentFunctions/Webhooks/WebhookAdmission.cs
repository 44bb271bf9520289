using Microsoft.Extensions.Options;
using PaymentFunctions.Payments.StripeApi;

namespace PaymentFunctions.Webhooks;

/// Bounds how many webhooks are stored at once. Only a webhook whose body arrived and carries Stripe's signature
/// asks for a turn (a turn asked for before the body let slow senders hold them all). Past the bound it waits
/// briefly, then is refused with 503 + Retry-After before it stored anything: Stripe redelivers it later (the inbox
/// makes that safe), and the webhooks admitted keep their latency. Without it, a burst queues every request in the storage
/// client until all of them hit the 10 s deadline together (seen at 256 concurrent senders: p99 above 10 s and
/// dropped connections).
public sealed class WebhookAdmission(IOptions<StripeOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _turns = new(options.Value.MaxConcurrentWebhooks, options.Value.MaxConcurrentWebhooks);

    /// A turn to hold while the webhook is processed, or null when none came free within the queue time.
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken) =>
        await _turns.WaitAsync(options.Value.WebhookQueueMilliseconds, cancellationToken) ? new Turn(_turns) : null;

    public void Dispose() => _turns.Dispose();

    private sealed class Turn(SemaphoreSlim turns) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turns.Release();
            }
        }
    }
}
