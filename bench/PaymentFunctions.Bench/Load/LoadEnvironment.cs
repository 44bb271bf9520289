using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PaymentFunctions.Bench.Load;

/// Azurite (disk persistence, as run.sh) and the Stripe emulator on free loopback ports, and the bench's servers as
/// child processes. Everything is torn down on dispose, including Azurite's data folder.
internal sealed class LoadEnvironment : IDisposable
{
    public const string AccountName = "devstoreaccount1";

    // Azurite's documented, public development account key: not a secret.
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _dataDirectory;
    private readonly List<BenchProcess> _processes = [];

    private LoadEnvironment(string repoRoot, string dataDirectory, int azuritePort)
    {
        RepoRoot = repoRoot;
        _dataDirectory = dataDirectory;
        StorageConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{azuritePort}/{AccountName};";
    }

    public string RepoRoot { get; }

    public string StorageConnectionString { get; }

    public string AppDirectory => Path.Combine(RepoRoot, "src", "PaymentFunctions", "bin", "Release", "net10.0");

    public Uri StripeEmulator { get; private set; } = null!;

    /// <paramref name="webhookUrl"/>: where the emulator sends its signed webhooks (none when null).
    /// <paramref name="inMemory"/>: Azurite without disk persistence. Its disk mode rewrites the whole database file as it
    /// grows, which past ~50 MiB (40,000 seeded bookings) takes minutes and would be most of what a run measures.
    public static async Task<LoadEnvironment> StartAsync(string repoRoot, Uri? webhookUrl = null, bool inMemory = false)
    {
        var azuriteExe = Path.Combine(repoRoot, "node_modules", ".bin", "azurite-table");
        var emulatorDll = Path.Combine(repoRoot, "tools", "StripeEmulator", "bin", "Release", "net10.0", "StripeEmulator.dll");
        if (!File.Exists(azuriteExe) || !File.Exists(emulatorDll))
        {
            throw new InvalidOperationException($"Needs {azuriteExe} (npm ci) and {emulatorDll} (dotnet build -c Release); bench/run.sh does both.");
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), "pf-bench-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var azuritePort = FreePort();
        var environment = new LoadEnvironment(repoRoot, dataDirectory, azuritePort);
        var start = new ProcessStartInfo(azuriteExe)
        {
            ArgumentList = { "--tableHost", "127.0.0.1", "--tablePort", azuritePort.ToString(), "--skipApiVersionCheck", "--disableTelemetry" },
        };
        // --inMemoryPersistence excludes --location.
        foreach (var argument in inMemory ? ["--inMemoryPersistence"] : new[] { "--location", dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var azurite = environment.Start(start);
        await BenchProcess.WaitForPortAsync(azuritePort, azurite, TimeSpan.FromSeconds(30));

        var emulatorPort = FreePort();
        environment.StripeEmulator = new Uri($"http://127.0.0.1:{emulatorPort}");
        var emulatorStart = new ProcessStartInfo("dotnet") { ArgumentList = { emulatorDll, "--urls", environment.StripeEmulator.ToString() }, Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Logging__LogLevel__Default"] = "Warning" } };
        if (webhookUrl is not null)
        {
            emulatorStart.Environment["Emulator__WebhookUrl"] = webhookUrl.ToString();
            emulatorStart.Environment["Emulator__WebhookSecret"] = Ingest.LoadData.WebhookSecret;
        }

        var emulator = environment.Start(emulatorStart);
        await BenchProcess.WaitForPortAsync(emulatorPort, emulator, TimeSpan.FromSeconds(60));
        return environment;
    }

    /// A child process that lives as long as this environment.
    public BenchProcess Start(ProcessStartInfo start)
    {
        var process = BenchProcess.Start(start);
        _processes.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
