using System.Collections.Concurrent;

namespace PaymentFunctions.Tests.Infrastructure;

/// How many app hosts a test run starts, by kind: written once when the test process exits, to the console and to
/// TestResults/host-starts.txt (xunit 2 has no assembly fixture to report from). Issue 17 keeps this number down.
internal static class HostStarts
{
    private static readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);

    static HostStarts() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Report();

    public static void Count(string kind) => Counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private static void Report()
    {
        var kinds = string.Join(", ", Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
        var line = $"App host starts: {Counts.Values.Sum()} ({kinds})";
        Console.WriteLine(line);
        var results = Path.Combine(RepoPaths.Root, "TestResults");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "host-starts.txt"), line + Environment.NewLine);
    }
}
