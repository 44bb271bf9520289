using System.Diagnostics;
using System.Net.Http.Json;
using PaymentFunctions.Bench.Load;

namespace PaymentFunctions.Bench.Ingest;

/// A running <see cref="BenchServer"/> child process, seen from the bench.
internal sealed class ServerHandle(string kind, string tablePrefix, BenchProcess process, HttpClient http)
{
    public string Kind { get; } = kind;

    public string TablePrefix { get; } = tablePrefix;

    public BenchProcess Process { get; } = process;

    public HttpClient Http { get; } = http;

    public async Task<BenchStats> StatsAsync(CancellationToken ct) =>
        (await Http.GetFromJsonAsync<BenchStats>("/bench/stats", ct))!;

    /// Starts a server; <paramref name="runtimeSettings"/> are DOTNET_* environment variables for its runtime
    /// (the runtime-settings bench compares them), on top of workstation GC, the bench's default.
    public static async Task<ServerHandle> StartAsync(LoadEnvironment environment, string kind, string tablePrefix, IReadOnlyDictionary<string, string>? runtimeSettings = null, int? port = null)
    {
        port ??= LoadEnvironment.FreePort();
        var benchDll = typeof(ServerHandle).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { benchDll, "serve", kind, port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), environment.StorageConnectionString, tablePrefix, environment.StripeEmulator.ToString(), environment.AppDirectory },
            Environment = { ["DOTNET_gcServer"] = "0" },
        };
        foreach (var (name, value) in runtimeSettings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = environment.Start(start);
        await BenchProcess.WaitForPortAsync(port.Value, process, TimeSpan.FromSeconds(60));
        return new ServerHandle(kind, tablePrefix, process, SenderLoad.Client(new Uri($"http://127.0.0.1:{port}")));
    }
}
