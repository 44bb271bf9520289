using System.Globalization;
using Azure.Data.Tables;
using PaymentFunctions.Bench.Load;

namespace PaymentFunctions.Bench.Ingest;

/// Runtime settings against peak RSS, in one invocation: one (a) server (the app end to end) per setting, all on
/// one Azurite, taking turns at every sender count, so each setting's throughput, p99 and peak RSS are compared with
/// the app's own settings (src/PaymentFunctions/RuntimeSettings.props) from the same minutes of the same box. Each
/// setting is a documented runtime knob, set as its DOTNET_* environment variable on top of the app's settings (the
/// same knob as the csproj property / runtimeconfig.json entry; the environment variable wins):
/// https://learn.microsoft.com/dotnet/core/runtime-config/garbage-collector and .../compilation.
/// Usage: runtime-settings [count=600] [senders=16,64]
internal static class RuntimeSettingsBench
{
    private static readonly (string Name, Dictionary<string, string> Settings)[] Variants =
    [
        ("the app's settings (workstation, concurrent GC, TieredPGO off)", []),
        ("TieredPGO on (the runtime's default)", new() { ["DOTNET_TieredPGO"] = "1" }),
        ("TieredCompilation off", new() { ["DOTNET_TieredCompilation"] = "0" }),
        ("non-concurrent GC", new() { ["DOTNET_gcConcurrent"] = "0" }),
        ("GCConserveMemory=5", new() { ["DOTNET_GCConserveMemory"] = "5" }),
        ("server GC (DATAS)", new() { ["DOTNET_gcServer"] = "1" }),
        ("server GC, DATAS off", new() { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "0" }),
        ("W^X off", new() { ["DOTNET_EnableWriteXorExecute"] = "0" }),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var c) ? c : 600;
        var levels = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [16, 64];
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var ct = deadline.Token;
        using var environment = await LoadEnvironment.StartAsync(IngestBench.RepoRoot());
        var service = new TableServiceClient(environment.StorageConnectionString);
        var servers = new List<(string Name, ServerHandle Server)>();
        for (var i = 0; i < Variants.Length; i++)
        {
            servers.Add((Variants[i].Name, await ServerHandle.StartAsync(environment, "e2e", "rs" + i.ToString(CultureInfo.InvariantCulture), Variants[i].Settings)));
        }

        // A warm-up long enough for tiering to settle (a first run with 40 webhooks left the first servers slower
        // than the last at 16 senders in order of their turn), then every sender count in the other order than the
        // one before, so no setting always runs first on a box whose load drifts.
        var seed = 100;
        foreach (var (_, server) in servers)
        {
            await IngestBench.RunLoadAsync(service, server, 300, 16, seed++, ct);
        }

        Console.WriteLine("## Runtime settings: (a) the app end to end, one server per setting, in turns\n");
        Console.WriteLine("| senders | setting | webhooks/s | p99 ms | max ms | non-2xx | bookings CONFIRMED | throughput vs the app's settings |\n|---:|---|---:|---:|---:|---|---|---:|");
        var ok = true;
        for (var level = 0; level < levels.Length; level++)
        {
            var senders = levels[level];
            var turns = level % 2 == 0 ? servers : Enumerable.Reverse(servers).ToList();
            var results = new Dictionary<string, (SenderLoad.Outcome Outcome, string Confirmed)>();
            foreach (var (name, server) in turns)
            {
                results[name] = await IngestBench.RunLoadAsync(service, server, count, senders, seed++, ct);
                ok &= results[name].Confirmed.EndsWith("(all)", StringComparison.Ordinal);
            }

            var baseline = results[Variants[0].Name].Outcome.PerSecond;
            foreach (var (name, _) in servers)
            {
                var (outcome, confirmed) = results[name];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {senders} | {name} | {outcome.PerSecond:F1} | {outcome.Percentile(99):F0} | {outcome.MaxMs:F0} | {(outcome.NonSuccess is { Length: > 0 } bad ? bad : "none")} | {confirmed} | {outcome.PerSecond / baseline:F2} |"));
            }
        }

        Console.WriteLine("\n## Peak RSS (VmHWM) per setting\n\n| setting | peak RSS MiB | vs the app's settings | resident now |\n|---|---:|---:|---|");
        var defaultPeak = servers[0].Server.Process.PeakWorkingSetBytes();
        foreach (var (name, server) in servers)
        {
            var peak = server.Process.PeakWorkingSetBytes();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {peak / 1048576.0:F0} | {peak / (double)defaultPeak:F2} | {server.Process.ResidentBreakdown()} |"));
        }

        return ok ? 0 : 1;
    }
}
