using BenchmarkDotNet.Running;

namespace PaymentFunctions.Bench;

// An explicit entry class: a top-level Program would clash with the app's public Program (kept for WebApplicationFactory).
public static class BenchmarkEntry
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
}
