using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace PaymentFunctions.Tests.Infrastructure;

/// Counts the webhook bodies the app has begun to read, and records the answers it gave: a middleware ahead of the
/// app's own wraps each webhook's request body, so a test knows its slow senders are being read (not queued) before
/// it goes on, and sees the answer to a body that never finished, which the client cannot read (HttpClient waits to
/// finish sending first).
public sealed class ObservedWebhookBodies : IStartupFilter
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(int Status, string? ContentType)> _answers = new();
    private int _started;

    public int Started => Volatile.Read(ref _started);

    public IReadOnlyList<(int Status, string? ContentType)> Answers => [.. _answers];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, call) =>
        {
            if (http.Request.Path.StartsWithSegments("/api/webhooks/stripe", StringComparison.Ordinal))
            {
                http.Request.Body = new FirstReadStream(http.Request.Body, () => Interlocked.Increment(ref _started));
                await call(http);
                _answers.Enqueue((http.Response.StatusCode, http.Response.ContentType));
                return;
            }

            await call(http);
        });
        next(app);
    };

    private sealed class FirstReadStream(Stream inner, Action firstBytes) : Stream
    {
        private int _seen;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read > 0 && Interlocked.Exchange(ref _seen, 1) == 0)
            {
                firstBytes();
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The app reads bodies asynchronously only.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
