using BenchmarkDotNet.Running;
using PaymentFunctions.Bench.Ingest;

namespace PaymentFunctions.Bench;

// An explicit entry class: a top-level Program would clash with the app's public Program (kept for WebApplicationFactory).
public static class BenchmarkEntry
{
    /// "webhooks [count] [senders]" runs the ingest bench (issue 10), "serve ..." is one of its server processes;
    /// anything else goes to BenchmarkDotNet.
    public static async Task<int> Main(string[] args)
    {
        if (args is ["webhooks", .. var rest])
        {
            return await IngestBench.RunAsync(rest);
        }

        if (args is ["serve", .. var server])
        {
            return await BenchServer.RunAsync(server);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
        return 0;
    }
}
