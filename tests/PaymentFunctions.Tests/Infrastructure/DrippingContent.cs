namespace PaymentFunctions.Tests.Infrastructure;

/// A request body sent as a slow sender sends it: the first bytes at once (chunked, no Content-Length), the rest only
/// when the test releases it, and never if it does not. Slow for exactly as long as the test needs, with no timing.
public sealed class DrippingContent(byte[] first, byte[] rest, Task release) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(first);
        await stream.FlushAsync();
        await release;
        await stream.WriteAsync(rest);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
