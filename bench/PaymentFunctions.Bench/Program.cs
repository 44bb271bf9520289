using BenchmarkDotNet.Running;
using PaymentFunctions.Bench.Load;

namespace PaymentFunctions.Bench;

// An explicit entry class: a top-level Program would clash with the app's public Program (kept for WebApplicationFactory).
public static class BenchmarkEntry
{
    /// "webhooks [count] [concurrency] [maxSeconds]" runs the end-to-end load; anything else goes to BenchmarkDotNet.
    public static async Task<int> Main(string[] args)
    {
        if (args is ["webhooks", .. var rest])
        {
            return await WebhookLoad.RunAsync(rest);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
        return 0;
    }
}
