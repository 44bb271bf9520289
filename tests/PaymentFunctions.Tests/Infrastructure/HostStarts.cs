using System.Collections.Concurrent;

namespace PaymentFunctions.Tests.Infrastructure;

/// How many app hosts a test run starts, by kind: TestResults/host-starts.txt is rewritten at every start (xunit 2 has
/// no assembly fixture to report from, and vstest ends a test host that is slow to exit before its ProcessExit
/// handlers are done, as it is after the browser tests), and the line is printed when the test process exits. Issue 17
/// keeps this number down.
internal static class HostStarts
{
    private static readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);
    private static readonly Lock Writing = new();

    static HostStarts() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.WriteLine(Line());

    public static void Count(string kind)
    {
        Counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        lock (Writing)
        {
            var results = Path.Combine(RepoPaths.Root, "TestResults");
            Directory.CreateDirectory(results);
            File.WriteAllText(Path.Combine(results, "host-starts.txt"), Line() + Environment.NewLine);
        }
    }

    private static string Line()
    {
        var kinds = string.Join(", ", Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
        return $"App host starts: {Counts.Values.Sum()} ({kinds})";
    }
}
