using BenchmarkDotNet.Running;
using PaymentFunctions.Bench.Ingest;
using PaymentFunctions.Bench.Intents;
using PaymentFunctions.Bench.Reconcile;

namespace PaymentFunctions.Bench;

// An explicit entry class: a top-level Program would clash with the app's public Program (kept for WebApplicationFactory).
public static class BenchmarkEntry
{
    /// "webhooks [count] [senders]" runs the ingest bench (issue 10), "reconcile [count] [warm]" the reconciliation
    /// bench, "sweep [bookings] [pending]" the outbox sweep's reads against the table's size (issue 18), "backfill
    /// [bookings] [page size]" the retention backfill and the runs that follow it (issue 19), "serve ..."
    /// is one of their server processes;
    /// anything else goes to BenchmarkDotNet.
    public static async Task<int> Main(string[] args)
    {
        if (args is ["webhooks", .. var rest])
        {
            return await IngestBench.RunAsync(rest);
        }

        if (args is ["runtime-settings", .. var settings])
        {
            return await RuntimeSettingsBench.RunAsync(settings);
        }

        if (args is ["expiry", .. var expiry])
        {
            return await OnSale.OnSaleBench.ExpiryAsync(expiry);
        }

        if (args is ["expiry-reads", .. var reads])
        {
            return await OnSale.ExpiryReadsBench.RunAsync(reads);
        }

        if (args is ["onsale", .. var onsale])
        {
            return await OnSale.OnSaleBench.OnSaleAsync(onsale);
        }

        if (args is ["intents", .. var intents])
        {
            return await IntentConcurrencyBench.RunAsync(intents);
        }

        if (args is ["sweep", .. var sweep])
        {
            return await Sweep.SweepBench.RunAsync(sweep);
        }

        if (args is ["backfill", .. var backfill])
        {
            return await Sweep.BackfillBench.RunAsync(backfill);
        }

        if (args is ["reconcile", .. var backlog])
        {
            return await ReconcileBench.RunAsync(backlog);
        }

        if (args is ["serve", .. var server])
        {
            return await BenchServer.RunAsync(server);
        }

        return RunMicroBenchmarks(args);
    }

    // Apart, so that a server process ("serve") never loads BenchmarkDotNet's assemblies: the JIT loads the
    // assemblies a method refers to when it compiles it, and those mapped files would count in the server's RSS.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int RunMicroBenchmarks(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
        return 0;
    }
}
