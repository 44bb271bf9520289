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

    public static async Task<ServerHandle> StartAsync(LoadEnvironment environment, string kind, string tablePrefix)
    {
        var port = LoadEnvironment.FreePort();
        var benchDll = typeof(ServerHandle).Assembly.Location;
        var process = environment.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { benchDll, "serve", kind, port.ToString(System.Globalization.CultureInfo.InvariantCulture), environment.StorageConnectionString, tablePrefix, environment.StripeEmulator.ToString(), environment.AppDirectory },
            Environment = { ["DOTNET_gcServer"] = "0" },
        });
        await BenchProcess.WaitForPortAsync(port, process, TimeSpan.FromSeconds(60));
        return new ServerHandle(kind, tablePrefix, process, SenderLoad.Client(new Uri($"http://127.0.0.1:{port}")));
    }
}
